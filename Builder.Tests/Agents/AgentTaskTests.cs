using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Agents;

/// <summary>An external agent drives a change through the Builder API: task, drafts, dry run, apply — on a real git repository.</summary>
public sealed class AgentTaskTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _admin = builder.Admin();

    static TestRepository ReportsProject() => TestRepository.Create(new Dictionary<string, string>
    {
        ["Makefile"] = "build:\n\t@echo build ok\n\ntest:\n\t@grep -q 'total: 3' src/reports/summary.txt && echo tests passed\n",
        ["src/reports/README.md"] = "# Reports\n",
        ["src/billing/invoice.txt"] = "invoice\n",
        ["README.md"] = "# sample\n",
    });

    [Fact]
    public async Task An_agent_registers_drafts_in_scope_dry_runs_without_changing_anything_and_applies_to_a_pushed_branch()
    {
        using var repository = ReportsProject();
        var repositoryId = await _admin.RegisterRepositoryAsync(repository.RemotePath);
        var (agent, _, _) = await builder.RegisterAgentAsync(_admin, "heimdall", "1.0");

        var taskId = await agent.CreateTaskAsync(repositoryId, "Reports summary", "src/reports/**");
        await AgentSteps.OkAsync(await agent.UploadAsync(taskId, BuilderApi.File("src/reports/summary.txt", "total: 2\n")));
        // A later upload of a path replaces the earlier one; other paths accumulate.
        var task = await AgentSteps.OkAsync(await agent.UploadAsync(taskId,
            BuilderApi.File("src/reports/summary.txt", "total: 3\n"), BuilderApi.File("src/reports/README.md", "# Reports\n\nA summary.\n", "replace")));
        task["files"]!.AsArray().Select(f => ((string)f!["path"]!, (int)f["bytes"]!)).ShouldBe(
            [("src/reports/summary.txt", 9), ("src/reports/README.md", 22)], ignoreOrder: true);

        var refsBefore = TestRepository.Git(repository.RemotePath, "for-each-ref");
        var mirror = Path.Combine(builder.DataDirectory, "mirrors", $"{repositoryId:N}.git");
        var dryRun = await AgentSteps.OkAsync(await agent.Http.PostAsync($"/api/tasks/{taskId}/dry-run", null));

        dryRun["wouldApply"]!.GetValue<bool>().ShouldBeTrue(dryRun.ToJsonString());
        dryRun["baseCommit"]!.GetValue<string>().ShouldBe(repository.Head("main"));
        var diff = dryRun["diff"]!.GetValue<string>();
        diff.ShouldContain("diff --git a/src/reports/summary.txt b/src/reports/summary.txt");
        diff.ShouldContain("+total: 3");
        diff.ShouldContain("+A summary.");
        diff.ShouldNotContain("total: 2");
        foreach (var file in dryRun["files"]!.AsArray())
        {
            file!["allowed"]!.GetValue<bool>().ShouldBeTrue(file.ToJsonString());
            file["checks"]!.AsArray().Select(c => (string)c!["rule"]!).ShouldBe(["path", "scope", "allowed_paths", "file_size", "secret", "mode"]);
        }

        dryRun["commands"]!["toolchain"]!.GetValue<string>().ShouldBe("make");
        dryRun["commands"]!["test"]!.GetValue<string>().ShouldEndWith("make test");
        dryRun["commands"]!["build"]!.GetValue<string>().ShouldContain("make build");
        TestRepository.Git(repository.RemotePath, "for-each-ref").ShouldBe(refsBefore, "a dry run pushes nothing");
        Directory.Exists(mirror).ShouldBeFalse("a dry run does not fetch into Builder's mirror");
        (await builder.WithDbAsync(db => Task.FromResult(db.Features.Count(f => f.RepositoryId == repositoryId)))).ShouldBe(0, "a dry run starts no run");

        var applied = await agent.Http.PostAsJsonAsync($"/api/tasks/{taskId}/apply", new { approvalMode = "auto", testsRequired = false });
        var featureId = (await AgentSteps.OkAsync(applied, HttpStatusCode.Accepted))["id"]!.GetValue<Guid>();
        var again = await AgentSteps.OkAsync(await agent.Http.PostAsJsonAsync($"/api/tasks/{taskId}/apply", new { approvalMode = "auto", testsRequired = false }));
        again["id"]!.GetValue<Guid>().ShouldBe(featureId, "applying twice returns the same feature");
        (await agent.Http.PostAsJsonAsync($"/api/tasks/{taskId}/apply", new { approvalMode = "final" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await agent.UploadAsync(taskId, BuilderApi.File("src/reports/late.txt", "late\n"))).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var feature = await agent.WaitForEndAsync(featureId);
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var branch = feature["branch"]!.GetValue<string>();
        repository.Branches().ShouldBe(["main", branch], ignoreOrder: true);
        repository.Show(branch, "src/reports/summary.txt").ShouldBe("total: 3\n");
        repository.Show(branch, "src/reports/README.md").ShouldBe("# Reports\n\nA summary.\n");
        feature["requestedBy"]!.GetValue<string>().ShouldBe("agent:heimdall@1.0");
        var requested = (await agent.EventsAsync(featureId)).Single(e => (string)e!["type"]! == "feature.requested");
        requested!["payload"]!["requestedBy"]!.GetValue<string>().ShouldBe("agent:heimdall@1.0");

        var shown = await AgentSteps.OkAsync(await agent.Http.GetAsync($"/api/tasks/{taskId}"));
        shown["status"]!.GetValue<string>().ShouldBe("applied");
        shown["featureId"]!.GetValue<Guid>().ShouldBe(featureId);
    }

    [Fact]
    public async Task An_upload_outside_the_tasks_scope_is_refused_with_the_reason_and_keeps_nothing_of_that_upload()
    {
        using var repository = ReportsProject();
        var repositoryId = await _admin.RegisterRepositoryAsync(repository.RemotePath);
        var (agent, _, _) = await builder.RegisterAgentAsync(_admin, "scoped", "2.1");
        var taskId = await agent.CreateTaskAsync(repositoryId, "Scoped", "src/reports/**");

        var refused = await agent.UploadAsync(taskId,
            BuilderApi.File("src/reports/ok.txt", "ok\n"), BuilderApi.File("src/billing/invoice.txt", "changed\n", "replace"));
        var problem = await AgentSteps.OkAsync(refused, HttpStatusCode.BadRequest);
        problem["errors"]!["[1].path"]![0]!.GetValue<string>()
            .ShouldBe("'src/billing/invoice.txt' was refused: it is outside the task's scope (src/reports/**).");

        var secret = await agent.UploadAsync(taskId, BuilderApi.File("src/reports/keys.txt", "aws = AKIAIOSFODNN7EXAMPLQ\n"));
        (await AgentSteps.OkAsync(secret, HttpStatusCode.BadRequest))["detail"]!.GetValue<string>().ShouldContain("AWS access key id");

        var task = await AgentSteps.OkAsync(await agent.Http.GetAsync($"/api/tasks/{taskId}"));
        task["files"]!.AsArray().ShouldBeEmpty("a refused upload keeps none of its files");

        // The dry run reports a mode that does not fit the base without refusing the request.
        await AgentSteps.OkAsync(await agent.UploadAsync(taskId, BuilderApi.File("src/reports/README.md", "# again\n")));
        var dryRun = await AgentSteps.OkAsync(await agent.Http.PostAsync($"/api/tasks/{taskId}/dry-run", null));
        dryRun["wouldApply"]!.GetValue<bool>().ShouldBeFalse();
        var mode = dryRun["files"]![0]!["checks"]!.AsArray().Single(c => (string)c!["rule"]! == "mode")!;
        mode["passed"]!.GetValue<bool>().ShouldBeFalse();
        mode["reason"]!.GetValue<string>().ShouldContain("already exists on the base");
    }

    [Fact]
    public async Task Tasks_need_the_drafts_scope_and_bad_task_requests_name_their_fields()
    {
        var (reader, _) = await builder.CreateKeyAsync(_admin, "reader", "features:read");
        (await reader.Http.PostAsJsonAsync("/api/tasks", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var problem = await AgentSteps.OkAsync(await _admin.Http.PostAsJsonAsync("/api/tasks", new { title = "", scope = new[] { "../etc/**" } }),
            HttpStatusCode.BadRequest);
        var fields = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        fields.ShouldBe(["repositoryId", "title", "scope[0]"], ignoreOrder: true);
        (await _admin.Http.GetAsync($"/api/tasks/{Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
