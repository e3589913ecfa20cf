using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Builder.Tests.AppHost;

/// <summary>
/// The README's "Five minutes with curl", run as written: Builder started as its first block says,
/// the other blocks pasted into one shell, in a folder whose .builder/ holds the admin key, as a
/// reader's checkout would.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ReadmeWalkthroughTests(ITestOutputHelper log)
{
    const string Section = "Five minutes with curl";
    const string StartBuilder = "dotnet run --project Builder.AppHost";
    const int DocumentedApiPort = 5080;
    const string DocumentedApi = "API=http://127.0.0.1:5080";

    // Generous: a loaded two-core machine starts three .NET processes, then builds and tests the sample twice.
    static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(180);
    static readonly TimeSpan WalkthroughTimeout = TimeSpan.FromMinutes(5);
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_curl_walkthrough_ends_Completed_and_pushes_the_branch()
    {
        var root = RepositoryRoot.Find();
        var blocks = MarkdownSection.BashBlocks(await File.ReadAllTextAsync(Path.Combine(root, "README.md")), Section);
        blocks.Count.ShouldBeGreaterThan(1, $"the README's \"{Section}\" has no blocks after the one that starts Builder");
        blocks[0].Trim().ShouldBe(StartBuilder, "the walkthrough's first block starts Builder; the test starts it that way and runs the rest");
        var script = string.Concat(blocks.Skip(1));
        script.ShouldContain(DocumentedApi);

        var folder = Directory.CreateTempSubdirectory("builder-readme-");
        var data = Path.Combine(folder.FullName, ".builder");
        // mktemp puts the sample repository under TMPDIR, so it goes away with the folder.
        var tmp = Directory.CreateDirectory(Path.Combine(folder.FullName, "tmp")).FullName;
        var free = Loopback.FreePorts(2 + AppHostCommand.DashboardPortCount);
        // The documented port when it is free, so the blocks run unchanged; otherwise only API= changes.
        var apiPort = Loopback.IsFree(DocumentedApiPort) ? DocumentedApiPort : free[0];
        script = script.Replace(DocumentedApi, $"API=http://127.0.0.1:{apiPort}");
        var scriptFile = Path.Combine(folder.FullName, "walkthrough.sh");
        await File.WriteAllTextAsync(scriptFile, script);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        var host = AppHostCommand.Start(root, apiPort, free[1], data, free[2..], anonymousDashboard: true);
        CapturedProcess? shell = null;
        try
        {
            var health = await host.WaitForOkAsync(http, "/health", ApiTimeout);
            health.ShouldBe(HttpStatusCode.OK, host.Describe("the API's /health did not answer 200"));

            shell = CapturedProcess.Start("bash", ["-euo", "pipefail", scriptFile], folder.FullName,
                new Dictionary<string, string> { ["TMPDIR"] = tmp });
            (await shell.WaitForExitAsync(WalkthroughTimeout)).ShouldBeTrue(shell.Describe($"the walkthrough did not end within {WalkthroughTimeout.TotalMinutes:0} minutes"));
            shell.ExitCode.ShouldBe(0, shell.Describe("the walkthrough failed"));

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(data, "admin-key"))).Trim());
            var feature = await TheOnlyFeatureAsync(http);
            feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
            var branch = feature["branch"]!.GetValue<string>();
            var shortId = Guid.Parse(feature["id"]!.GetValue<string>()).ToString("N")[..8];
            branch.ShouldStartWith($"builder/{shortId}-");
            (await BranchesAsync(TheOnlyRemote(tmp))).ShouldContain(branch);

            await TheRunIsOneTraceInTheDashboardAsync(new AspireDashboard(free[2]));
        }
        finally
        {
            if (shell is not null)
            {
                log.WriteLine(shell.Output);
                await shell.DisposeAsync();
            }

            host.Terminate();
            await host.WaitForExitAsync(StopTimeout);
            log.WriteLine(host.Output);
            await host.DisposeAsync();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The dashboard shows both projects Running, and the run as one trace from the request that
    /// submitted it through the bus, the phases and the database (the projects export over OTLP).
    /// </summary>
    async Task TheRunIsOneTraceInTheDashboardAsync(AspireDashboard dashboard)
    {
        var screenshot = Path.Combine(RepositoryRoot.Find(), "artifacts", "screenshots", "aspire-dashboard-resources.png");
        var page = await dashboard.ResourcesPageAsync(["api", "web"], screenshot);
        page.ShouldContain("Running");
        log.WriteLine($"dashboard resources page: {screenshot}");

        // Exported in batches: the last phases may take a few seconds to arrive.
        var trace = await Eventually.Until<List<AspireDashboard.Span>?>(async () => RunTrace(await dashboard.SpansAsync()), t => t is not null,
            "a trace with the submit request, MassTransit, every phase up to Deliver and EF Core spans", TimeSpan.FromSeconds(60));
        log.WriteLine($"the run's trace has {trace!.Count} spans: {string.Join(", ", trace.Select(s => $"{s.Scope}/{s.Name}").Distinct().Take(30))}");
        trace.Select(s => s.Service).Distinct().ShouldBe(["api"], "the embedded Api hosts the worker");
    }

    static List<AspireDashboard.Span>? RunTrace(IReadOnlyList<AspireDashboard.Span> spans) =>
        spans.GroupBy(s => s.TraceId).Select(g => g.ToList()).FirstOrDefault(trace =>
            trace.Any(s => s.Name == "POST /api/features/")
            && trace.Any(s => s.Scope == "MassTransit")
            && new[] { "plan", "generate", "build", "verify", "deliver" }.All(phase => trace.Any(s => s.Name == $"phase {phase}"))
            && trace.Any(s => s.Scope.Contains("EntityFrameworkCore", StringComparison.Ordinal)));

    static async Task<JsonNode> TheOnlyFeatureAsync(HttpClient http)
    {
        var items = JsonNode.Parse(await http.GetStringAsync("/api/features"))!["items"]!.AsArray();
        items.Count.ShouldBe(1, items.ToJsonString());
        return JsonNode.Parse(await http.GetStringAsync($"/api/features/{items[0]!["id"]}"))!;
    }

    static string TheOnlyRemote(string tmp)
    {
        var remotes = Directory.GetDirectories(tmp, "remote.git", SearchOption.AllDirectories);
        remotes.Length.ShouldBe(1, $"the walkthrough's sample remote under {tmp}: {string.Join(", ", remotes)}");
        return remotes[0];
    }

    static async Task<string[]> BranchesAsync(string gitDirectory)
    {
        await using var git = CapturedProcess.Start("git", ["--git-dir", gitDirectory, "for-each-ref", "--format=%(refname:short)", "refs/heads/"], gitDirectory);
        (await git.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue(git.Describe("git for-each-ref did not end"));
        git.ExitCode.ShouldBe(0, git.Describe("git for-each-ref failed"));
        return git.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
