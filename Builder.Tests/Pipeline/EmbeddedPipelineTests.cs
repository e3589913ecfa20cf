using System.Net;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Pipeline;

/// <summary>Feature runs through the whole pipeline in the embedded topology, on real git repositories.</summary>
public sealed class EmbeddedPipelineTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Fact]
    public async Task A_feature_with_a_draft_runs_to_Completed_and_its_branch_holds_the_draft()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var id = await _api.SubmitAsync(repositoryId, "Answer with 42", [BuilderApi.File("value.txt", "42\n", "replace"), BuilderApi.File("docs/answer.md", "42\n")]);
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var branch = feature["branch"]!.GetValue<string>();
        branch.ShouldStartWith("builder/");
        branch.ShouldEndWith("-answer-with-42");
        repository.Branches().ShouldBe(["main", branch], ignoreOrder: true);
        repository.Show(branch, "value.txt").ShouldBe("42\n");
        repository.Show(branch, "docs/answer.md").ShouldBe("42\n");
        repository.Head(branch).ShouldBe(feature["commitSha"]!.GetValue<string>());
        repository.Show("main", "value.txt").ShouldBe("0\n");

        var phases = feature["phases"]!.AsArray().Select(p => ((string)p!["name"]!, (string)p["status"]!)).ToList();
        phases.ShouldBe([("plan", "done"), ("generate", "done"), ("build", "done"), ("verify", "done"), ("deliver", "done"), ("deploy", "skipped"), ("healthcheck", "skipped")]);
        feature["progressPercent"]!.GetValue<int>().ShouldBe(100);

        var events = await _api.EventsAsync(id);
        events.Select(e => e!["sequence"]!.GetValue<long>()).ShouldBe(Enumerable.Range(1, events.Count).Select(i => (long)i));
        events.Select(e => (string)e!["type"]!).ShouldContain("push.completed");
        events.Last()!["type"]!.GetValue<string>().ShouldBe("feature.completed");
        var skip = events.Single(e => (string)e!["type"]! == "deploy.skipped");
        skip!["payload"]!["reason"]!.GetValue<string>().ShouldContain("no deploy target");
    }

    [Fact]
    public async Task A_draft_whose_tests_fail_ends_Failed_in_Verify_with_the_test_log_and_pushes_nothing()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var id = await _api.SubmitAsync(repositoryId, "Wrong answer", [BuilderApi.File("value.txt", "41\n", "replace")]);
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Failed");
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("verify");
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("tests_failed");
        feature["error"]!["message"]!.GetValue<string>().ShouldContain("make test");
        repository.Branches().ShouldBe(["main"]);

        var log = await _api.Http.GetStringAsync($"/api/features/{id}/artifacts/test.log");
        log.ShouldContain("make test");
        log.ShouldContain("[builder] exit code 2");
        var artifacts = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{id}/artifacts"))!.AsArray();
        artifacts.Select(a => (string)a!["name"]!).ShouldContain("test.log");
    }

    [Fact]
    public async Task A_build_that_fails_ends_Failed_in_Build_with_the_log_tail_in_the_error()
    {
        using var repository = TestRepository.CreateMakeProject(build: "@echo compiler says no >&2; exit 3");
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var id = await _api.SubmitAsync(repositoryId, "Does not build", [BuilderApi.File("value.txt", "42\n", "replace")]);
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Failed");
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("build");
        feature["error"]!["message"]!.GetValue<string>().ShouldContain("compiler says no");
        repository.Branches().ShouldBe(["main"]);
    }

    [Fact]
    public async Task Checkpoints_mode_stops_at_the_plan_gate_and_the_release_gate_until_approved()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Gated", [BuilderApi.File("value.txt", "42\n", "replace")], approvalMode: "checkpoints");

        var atPlan = await _api.WaitForStatusAsync(id, "AwaitingApproval");
        atPlan["gate"]!.GetValue<string>().ShouldBe("plan");
        atPlan["currentPhase"]!.GetValue<string>().ShouldBe("plan");
        await Consistently.True(async () => (string?)(await _api.FeatureAsync(id))["gate"] == "plan", "the run waiting at the plan gate", TimeSpan.FromSeconds(1));
        var plan = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{id}/artifacts/plan.json"))!;
        plan["files"]!.AsArray().Single()!["path"]!.GetValue<string>().ShouldBe("value.txt");
        plan["testCommand"]!.GetValue<string>().ShouldContain("make test");

        (await _api.ActAsync(id, "approve")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var atRelease = await _api.WaitAsync(id, f => (string?)f["gate"] == "release", what: "the release gate");
        atRelease["currentPhase"]!.GetValue<string>().ShouldBe("verify");
        await Consistently.True(async () => (string?)(await _api.FeatureAsync(id))["status"] == "AwaitingApproval", "the run waiting at the release gate",
            TimeSpan.FromSeconds(1));
        repository.Branches().ShouldBe(["main"], "nothing is delivered before the release gate opens");

        (await _api.ActAsync(id, "approve")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var done = await _api.WaitForEndAsync(id);
        done["status"]!.GetValue<string>().ShouldBe("Completed");
        repository.Branches().Count.ShouldBe(2);

        var types = (await _api.EventsAsync(id)).Select(e => (string)e!["type"]!).ToList();
        types.Count(t => t == "approval.requested").ShouldBe(2);
        types.Count(t => t == "approval.granted").ShouldBe(2);
    }

    [Fact]
    public async Task Final_mode_gates_only_before_delivery()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Final gate", [BuilderApi.File("value.txt", "42\n", "replace")], approvalMode: "final");

        var gated = await _api.WaitForStatusAsync(id, "AwaitingApproval");
        gated["gate"]!.GetValue<string>().ShouldBe("release");
        (await _api.ActAsync(id, "approve")).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await _api.WaitForEndAsync(id))["status"]!.GetValue<string>().ShouldBe("Completed");
    }

    [Fact]
    public async Task Rejecting_at_a_gate_ends_the_run_Rejected()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Rejected one", [BuilderApi.File("value.txt", "42\n", "replace")], approvalMode: "checkpoints");
        await _api.WaitForStatusAsync(id, "AwaitingApproval");

        (await _api.ActAsync(id, "reject", new { reason = "not what we need" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Rejected");
        repository.Branches().ShouldBe(["main"]);
        var rejected = (await _api.EventsAsync(id)).Single(e => (string)e!["type"]! == "feature.rejected");
        rejected!["payload"]!["reason"]!.GetValue<string>().ShouldBe("not what we need");

        var again = await _api.ActAsync(id, "approve");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("The feature is Rejected");
    }

    [Fact]
    public async Task Revising_at_a_gate_returns_the_run_to_Plan_with_the_notes_in_the_events()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Revised one", [BuilderApi.File("value.txt", "42\n", "replace")], approvalMode: "checkpoints");
        await _api.WaitForStatusAsync(id, "AwaitingApproval");

        (await _api.ActAsync(id, "revise", new { notes = "also explain the answer" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var replanned = await _api.WaitAsync(id, f => f["attempt"]!.GetValue<int>() == 2 && (string?)f["gate"] == "plan", what: "the plan gate of attempt 2");

        replanned["revisionNotes"]!.GetValue<string>().ShouldBe("also explain the answer");
        var events = await _api.EventsAsync(id);
        var revision = events.Single(e => (string)e!["type"]! == "revision.requested");
        revision!["payload"]!["notes"]!.GetValue<string>().ShouldBe("also explain the answer");
        var plans = events.Where(e => (string)e!["type"]! == "plan.generated").ToList();
        plans.Count.ShouldBe(2, "the revision sends the run back to Plan");
        plans[1]!["payload"]!["revisionNotes"]!.GetValue<string>().ShouldBe("also explain the answer");
        plans[1]!["sequence"]!.GetValue<long>().ShouldBeGreaterThan(revision["sequence"]!.GetValue<long>());

        (await _api.ActAsync(id, "revise", new { notes = "" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Cancelling_during_Build_ends_Cancelled_and_kills_the_build_processes()
    {
        // The build runs in the sandbox (its own pid namespace and /tmp), so the test finds its
        // processes on the host by a marker in their command line.
        var marker = $"3000.{Random.Shared.Next(100000, 999999)}";
        using var repository = TestRepository.CreateMakeProject(build: $"@sh -c 'sleep {marker} & sleep {marker}; wait'");
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Slow build", [BuilderApi.File("value.txt", "42\n", "replace")]);

        await _api.WaitAsync(id, f => (string?)f["currentPhase"] == "build" && ProcessesWith(marker).Count >= 2, what: "a running build");

        (await _api.ActAsync(id, "cancel", new { reason = "changed my mind" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var feature = await _api.WaitForEndAsync(id);

        feature["status"]!.GetValue<string>().ShouldBe("Cancelled");
        await WaitUntilAsync(() => ProcessesWith(marker).Count == 0, TimeSpan.FromSeconds(15));
        ProcessesWith(marker).ShouldBeEmpty("the build and the process it started in the background must be killed");
        repository.Branches().ShouldBe(["main"]);
        (await _api.ActAsync(id, "cancel")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    /// <summary>Live (not zombie) host processes whose command line contains <paramref name="marker"/>.</summary>
    static List<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Contains(marker) && Alive(pid))
                    found.Add(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    [Fact]
    public async Task The_same_Idempotency_Key_twice_returns_the_same_feature()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var key = Guid.NewGuid().ToString();

        var first = await _api.SubmitAsync(repositoryId, "Once only", [BuilderApi.File("value.txt", "42\n", "replace")], idempotencyKey: key);
        var second = await _api.SubmitAsync(repositoryId, "Once only", [BuilderApi.File("value.txt", "42\n", "replace")], idempotencyKey: key);

        second.ShouldBe(first);
        var total = await builder.WithDbAsync(db => Task.FromResult(db.Features.Count(f => f.IdempotencyKey == key)));
        total.ShouldBe(1);

        using var different = new HttpRequestMessage(HttpMethod.Post, "/api/features")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                repositoryId, title = "Another body", description = "", draft = new { files = new[] { BuilderApi.File("value.txt", "42\n", "replace") } },
            }),
        };
        different.Headers.Add("Idempotency-Key", key);
        var conflict = await _api.Http.SendAsync(different);
        conflict.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await conflict.Content.ReadAsStringAsync()).ShouldContain("different request body");
        await _api.WaitForEndAsync(first);
    }

    static bool Alive(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => Eventually.True(condition, "the workspace to be released", timeout);
}
