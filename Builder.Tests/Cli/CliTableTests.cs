using System.Text.RegularExpressions;
using Builder.Tests.Mcp;
using Builder.Tests.Support;

namespace Builder.Tests.Cli;

/// <summary>The CLI's tables as a pipe reads them: short ids that do not wrap, relative local times, shortened titles; and a short id typed back.</summary>
public sealed partial class CliTableTests(RunningApi api) : IClassFixture<RunningApi>, IDisposable
{
    const string LongTitle = "Answer with forty-two in value.txt, and say so in every place a reader could possibly look for it";

    readonly List<string> folders = [];
    readonly List<TestRepository> repositories = [];

    [Fact]
    public async Task Feature_list_piped_shows_a_short_id_a_shortened_title_and_a_relative_time_on_one_line_per_run()
    {
        using var cli = CliProcess.LoggedInTo(api);
        var (repositoryName, repositoryId, id) = await SubmitAsync(cli);

        var table = await cli.RunAsync("feature", "list", "--repo", repositoryName);

        table.ExitCode.ShouldBe(0, table.ToString());
        var row = table.Stdout.Split('\n').Single(l => l.Contains(id.ToString()[..8]));
        table.Stdout.ShouldNotContain(id.ToString());
        row.ShouldContain(LongTitle[..30]);
        row.ShouldContain("…");
        table.Stdout.ShouldNotContain(LongTitle);
        RelativeTime().IsMatch(row).ShouldBeTrue(row);
        IsoTimestamp().IsMatch(table.Stdout).ShouldBeFalse(table.Stdout);

        // The full id and the full title stay in the JSON.
        var json = (await cli.RunAsync("feature", "list", "--repo", repositoryName, "--json")).Json();
        var item = json["items"]!.AsArray().Single()!;
        item["id"]!.GetValue<Guid>().ShouldBe(id);
        item["title"]!.GetValue<string>().ShouldBe(LongTitle);

        var registered = await cli.RunAsync("repo", "list");
        registered.Stdout.Split('\n').Single(l => l.Contains(repositoryName)).ShouldContain(repositoryId.ToString()[..8]);
        registered.Stdout.ShouldNotContain(repositoryId.ToString());
    }

    [Fact]
    public async Task A_short_id_from_the_table_names_the_run_and_times_read_in_the_local_zone()
    {
        using var cli = CliProcess.LoggedInTo(api);
        var (_, _, id) = await SubmitAsync(cli);
        cli.Environment["TZ"] = "Asia/Kolkata";

        var shown = await cli.RunAsync("feature", "show", id.ToString()[..8]);

        shown.ExitCode.ShouldBe(0, shown.ToString());
        shown.Stdout.ShouldContain(id.ToString());
        shown.Stdout.ShouldContain("+05:30");
        var json = await cli.RunAsync("feature", "show", id.ToString()[..8], "--json");
        json.Json()["id"]!.GetValue<Guid>().ShouldBe(id);

        var tooShort = await cli.RunAsync("feature", "show", "abc");
        tooShort.ExitCode.ShouldBe(1, tooShort.ToString());
        tooShort.Stderr.ShouldContain("at least its first 4 characters");
        var unknown = await cli.RunAsync("feature", "show", "ffffffff-ffff");
        unknown.ExitCode.ShouldBe(1, unknown.ToString());
        unknown.Stderr.ShouldContain("No run's id starts with 'ffffffff-ffff'");
    }

    /// <summary>A repository of its own and a run that stops at the plan gate: nothing else lists under it.</summary>
    async Task<(string RepositoryName, Guid RepositoryId, Guid Id)> SubmitAsync(CliProcess cli)
    {
        var repository = TestRepository.CreateMakeProject();
        repositories.Add(repository);
        var name = $"tbl-{Guid.NewGuid():N}"[..20];
        var added = await cli.RunAsync("repo", "add", name, repository.RemotePath, "--json");
        added.ExitCode.ShouldBe(0, added.ToString());
        var folder = Directory.CreateTempSubdirectory("builder-cli-draft-").FullName;
        folders.Add(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "value.txt"), "42\n");
        var submitted = await cli.RunAsync("feature", "submit", "--repo", name, "--title", LongTitle, "--replace", folder,
            "--no-tests-required", "--approval", "checkpoints", "--json");
        submitted.ExitCode.ShouldBe(0, submitted.ToString());
        return (name, added.Json()["id"]!.GetValue<Guid>(), submitted.Json()["id"]!.GetValue<Guid>());
    }

    public void Dispose()
    {
        foreach (var repository in repositories)
            repository.Dispose();
        foreach (var folder in folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [GeneratedRegex(@"(just now|\d+ s ago|\d+ min ago)")]
    private static partial Regex RelativeTime();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:")]
    private static partial Regex IsoTimestamp();
}
