using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Builder.Tests.Mcp;
using Builder.Tests.Support;

namespace Builder.Tests.Cli;

/// <summary>The `builder` CLI run as a process against the Api running as a process.</summary>
public sealed class CliTests(RunningApi api) : IClassFixture<RunningApi>, IDisposable
{
    readonly List<string> _folders = [];

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Login_stores_the_url_and_key_readable_by_the_user_only_and_later_commands_use_them()
    {
        using var cli = new CliProcess();
        var notLoggedIn = await cli.RunAsync("repo", "list");
        notLoggedIn.ExitCode.ShouldBe(1, notLoggedIn.ToString());
        notLoggedIn.Stderr.ShouldContain("Not logged in");

        var refused = await cli.RunAsync("login", "--url", api.Url.ToString(), "--key", "bld_wrong_0123456789abcdef");
        refused.ExitCode.ShouldBe(1, refused.ToString());
        refused.Stderr.ShouldContain("The API key is not valid.");
        File.Exists(cli.ConfigPath).ShouldBeFalse("a key the API refuses is not stored");

        var login = await cli.RunAsync("login", "--url", api.Url.ToString(), "--key", RunningApi.AdminKey, "--json");
        login.ExitCode.ShouldBe(0, login.ToString());
        login.Json()["actor"]!.GetValue<string>().ShouldBe("key:admin");
        File.GetUnixFileMode(cli.ConfigPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(Path.GetDirectoryName(cli.ConfigPath)!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var stored = JsonNode.Parse(await File.ReadAllTextAsync(cli.ConfigPath))!;
        stored["url"]!.GetValue<string>().ShouldBe(api.Url.ToString().TrimEnd('/'));
        stored["key"]!.GetValue<string>().ShouldBe(RunningApi.AdminKey);

        var list = await cli.RunAsync("repo", "list", "--json");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Json().ShouldBeOfType<JsonArray>();

        // The environment wins over the stored login.
        cli.Environment["BUILDER_KEY"] = "bld_wrong_0123456789abcdef";
        var overridden = await cli.RunAsync("repo", "list");
        overridden.ExitCode.ShouldBe(1, overridden.ToString());
        overridden.Stderr.ShouldContain("The API key is not valid.");
    }

    [Fact]
    public async Task Feature_submit_watch_exits_0_when_the_run_completes_and_json_output_parses()
    {
        using var repository = TestRepository.CreateMakeProject();
        using var cli = CliProcess.LoggedInTo(api);
        var name = $"cli-{Guid.NewGuid():N}";
        var added = await cli.RunAsync("repo", "add", name, repository.RemotePath, "--json");
        added.ExitCode.ShouldBe(0, added.ToString());
        var repositoryId = added.Json()["id"]!.GetValue<Guid>();

        var draft = Folder(("value.txt", "42\n"));
        var run = await cli.RunAsync("feature", "submit", "--repo", name, "--title", "Value from the CLI", "--replace", draft, "--no-tests-required", "--watch");
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("[build] done");
        run.Stdout.ShouldContain("build | build ok", customMessage: "log lines are streamed");
        run.Stdout.ShouldContain("Completed: branch builder/");

        var list = await cli.RunAsync("feature", "list", "--repo", repositoryId.ToString(), "--json");
        list.ExitCode.ShouldBe(0, list.ToString());
        var item = list.Json()["items"]!.AsArray().Single()!;
        item["status"]!.GetValue<string>().ShouldBe("Completed");
        var id = item["id"]!.GetValue<Guid>();

        var shown = (await cli.RunAsync("feature", "show", id.ToString(), "--json")).Json();
        repository.Show(shown["branch"]!.GetValue<string>(), "value.txt").ShouldBe("42\n");
        var events = (await cli.RunAsync("feature", "events", id.ToString(), "--json")).Json().AsArray();
        events.Last()!["type"]!.GetValue<string>().ShouldBe("feature.completed");
        var watchedAgain = await cli.RunAsync("feature", "watch", id.ToString(), "--json");
        watchedAgain.ExitCode.ShouldBe(0, watchedAgain.ToString());
        watchedAgain.Json()["status"]!.GetValue<string>().ShouldBe("Completed");

        var status = await cli.RunAsync("status", "--json");
        status.ExitCode.ShouldBe(0, status.ToString());
        status.Json()["runs"]!["completed"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        (await cli.RunAsync("status")).Stdout.ShouldContain("Queue depth");
        var insights = await cli.RunAsync("insights", "--hours", "1", "--json");
        insights.Json()["outcomes"]!["completed"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Feature_submit_watch_exits_non_zero_when_the_run_fails()
    {
        using var repository = TestRepository.CreateMakeProject();
        using var cli = CliProcess.LoggedInTo(api);
        var repositoryId = await api.Admin().RegisterRepositoryAsync(repository.RemotePath);

        // The draft is a git working tree's change: value.txt becomes 41, so `make test` fails.
        var clone = Directory.CreateTempSubdirectory("builder-cli-clone-").FullName;
        _folders.Add(clone);
        TestRepository.Git(clone, "clone", "--quiet", repository.RemotePath, "work");
        var work = Path.Combine(clone, "work");
        await File.WriteAllTextAsync(Path.Combine(work, "value.txt"), "41\n");
        await File.WriteAllTextAsync(Path.Combine(work, "NOTES.md"), "untracked\n");

        var run = await cli.RunInAsync(work, "feature", "submit", "--repo", repositoryId.ToString(), "--title", "Wrong value", "--diff",
            "--no-tests-required", "--watch", "--json");
        run.ExitCode.ShouldBe(3, run.ToString());
        var feature = run.Json();
        feature["status"]!.GetValue<string>().ShouldBe("Failed");
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("verify");
        feature["draft"]!.AsArray().Select(f => ((string)f!["path"]!, (string)f["mode"]!)).ShouldBe([("value.txt", "replace"), ("NOTES.md", "add")], ignoreOrder: true);

        var human = await cli.RunAsync("feature", "watch", feature["id"]!.GetValue<string>());
        human.ExitCode.ShouldBe(3, human.ToString());
        human.Stdout.ShouldContain("Failed in verify");
    }

    [Fact]
    public async Task A_task_is_created_uploaded_dry_run_applied_approved_and_watched()
    {
        using var repository = TestRepository.CreateMakeProject();
        using var cli = CliProcess.LoggedInTo(api);
        var repositoryId = await api.Admin().RegisterRepositoryAsync(repository.RemotePath);

        var created = await cli.RunAsync("task", "create", "--repo", repositoryId.ToString(), "--title", "Value task", "--scope", "value.txt", "--json");
        created.ExitCode.ShouldBe(0, created.ToString());
        var taskId = created.Json()["id"]!.GetValue<string>();

        var outside = await cli.RunAsync("task", "upload", taskId, "--replace", Folder(("README.md", "# changed\n")));
        outside.ExitCode.ShouldBe(1, outside.ToString());
        outside.Stdout.ShouldBeEmpty();
        outside.Stderr.ShouldContain("'README.md' was refused: it is outside the task's scope (value.txt).");

        var uploaded = await cli.RunAsync("task", "upload", taskId, "--replace", Folder(("value.txt", "42\n")), "--json");
        uploaded.ExitCode.ShouldBe(0, uploaded.ToString());
        uploaded.Json()["files"]!.AsArray().Single()!["path"]!.GetValue<string>().ShouldBe("value.txt");

        var dryRun = await cli.RunAsync("task", "dry-run", taskId, "--json");
        dryRun.ExitCode.ShouldBe(0, dryRun.ToString());
        dryRun.Json()["wouldApply"]!.GetValue<bool>().ShouldBeTrue();
        (await cli.RunAsync("task", "dry-run", taskId)).Stdout.ShouldContain("+42");

        var applied = await cli.RunAsync("task", "apply", taskId, "--approval", "final", "--no-tests-required", "--json");
        applied.ExitCode.ShouldBe(0, applied.ToString());
        var id = applied.Json()["id"]!.GetValue<Guid>();
        await api.Admin().WaitForStatusAsync(id, "AwaitingApproval", TimeSpan.FromSeconds(120));

        var approved = await cli.RunAsync("feature", "approve", id.ToString(), "--json");
        approved.ExitCode.ShouldBe(0, approved.ToString());
        approved.Json()["action"]!.GetValue<string>().ShouldBe("approved");
        var watched = await cli.RunAsync("feature", "watch", id.ToString());
        watched.ExitCode.ShouldBe(0, watched.ToString());
        watched.Stdout.ShouldContain("Completed");
        (await cli.RunAsync("feature", "approve", id.ToString())).Stderr.ShouldContain("only a feature awaiting approval can be approved");
    }

    [Fact]
    public async Task Errors_print_the_problem_detail_on_stderr_and_exit_non_zero()
    {
        using var cli = CliProcess.LoggedInTo(api);
        var missing = Guid.NewGuid();

        var human = await cli.RunAsync("feature", "show", missing.ToString());
        human.ExitCode.ShouldBe(1, human.ToString());
        human.Stdout.ShouldBeEmpty();
        human.Stderr.ShouldContain($"No feature {missing}.");

        var json = await cli.RunAsync("feature", "show", missing.ToString(), "--json");
        json.ExitCode.ShouldBe(1, json.ToString());
        json.Stdout.ShouldBeEmpty();
        var problem = JsonNode.Parse(json.Stderr)!;
        problem["status"]!.GetValue<int>().ShouldBe(404);
        problem["detail"]!.GetValue<string>().ShouldBe($"No feature {missing}.");

        var invalid = await cli.RunAsync("feature", "submit", "--repo", Guid.NewGuid().ToString(), "--title", "x", "--json");
        invalid.ExitCode.ShouldBe(1, invalid.ToString());
        JsonNode.Parse(invalid.Stderr)!["errors"]!["repositoryId"].ShouldNotBeNull();

        var usage = await cli.RunAsync("feature", "submit", "--title", "no repository");
        usage.ExitCode.ShouldNotBe(0);
        usage.Stderr.ShouldContain("--repo");
    }

    string Folder(params (string Path, string Content)[] files)
    {
        var folder = Directory.CreateTempSubdirectory("builder-cli-draft-").FullName;
        _folders.Add(folder);
        foreach (var (path, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.WriteAllText(Path.Combine(folder, path), content);
        }

        return folder;
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
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
}
