using System.Net;
using System.Net.Http.Json;
using Builder.Tests.Support;

namespace Builder.Tests.Agents;

/// <summary>A repository that requires reviews: agents other than the author open the release gate, and only they.</summary>
public sealed class ReviewGateTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _admin = builder.Admin();

    static readonly string[] Reviewer = ["features:read", "approvals:write"];
    static readonly string[] Author = ["features:read", "features:write", "drafts:write", "approvals:write"];

    [Fact]
    public async Task Two_required_reviews_open_the_release_gate_only_after_two_approvals_by_agents_other_than_the_author()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _admin.RegisterRepositoryAsync(repository.RemotePath, settings: new { requiredReviews = 2 });
        var (author, _, _) = await builder.RegisterAgentAsync(_admin, "author", "1.0", Author);
        var (first, _, _) = await builder.RegisterAgentAsync(_admin, "first-reviewer", "1.0", Reviewer);
        var (second, _, _) = await builder.RegisterAgentAsync(_admin, "second-reviewer", "2.0", Reviewer);

        var id = await author.SubmitAsync(repositoryId, "Reviewed change", [BuilderApi.File("value.txt", "42\n", "replace")]);
        var gated = await author.WaitForStatusAsync(id, "AwaitingApproval");
        gated["gate"]!.GetValue<string>().ShouldBe("release", "a repository that requires reviews gates even an auto run before delivery");
        gated["approvalMode"]!.GetValue<string>().ShouldBe("final");

        var own = await ReviewAsync(author, id, "approve", "looks good to me");
        own["review"]!["counts"]!.GetValue<bool>().ShouldBeFalse("an author's review of its own run does not count");
        own["tally"]!["approvers"]!.AsArray().ShouldBeEmpty();

        var one = await ReviewAsync(first, id, "approve", "fine");
        one["tally"]!["approvers"]!.AsArray().Select(a => (string)a!).ShouldBe(["agent:first-reviewer@1.0"]);
        one["releaseRequested"]!.GetValue<bool>().ShouldBeFalse();
        var twice = await ReviewAsync(first, id, "approve", "still fine");
        twice["tally"]!["approvers"]!.AsArray().Count.ShouldBe(1, "one agent approving twice is one approval");

        await Consistently.True(async () => (string?)(await author.FeatureAsync(id))["status"] == "AwaitingApproval",
            "the gate shut after one approval by another agent", TimeSpan.FromSeconds(1.5));
        repository.Branches().ShouldBe(["main"]);

        var two = await ReviewAsync(second, id, "approve", null);
        two["releaseRequested"]!.GetValue<bool>().ShouldBeTrue();
        two["tally"]!["satisfied"]!.GetValue<bool>().ShouldBeTrue();

        var done = await author.WaitForEndAsync(id);
        done["status"]!.GetValue<string>().ShouldBe("Completed", done.ToJsonString());
        repository.Branches().Count.ShouldBe(2);

        var events = await author.EventsAsync(id);
        events.Count(e => (string)e!["type"]! == "review.submitted").ShouldBe(4);
        var granted = events.Single(e => (string)e!["type"]! == "approval.granted")!;
        granted["payload"]!["by"]!.GetValue<string>().ShouldBe("reviews: agent:first-reviewer@1.0, agent:second-reviewer@2.0");
        events.Single(e => (string)e!["type"]! == "feature.requested")!["payload"]!["requestedBy"]!.GetValue<string>().ShouldBe("agent:author@1.0");

        var listed = await AgentSteps.OkAsync(await first.Http.GetAsync($"/api/features/{id}/reviews"));
        listed["reviews"]!.AsArray().Select(r => (bool)r!["counts"]!).ShouldBe([false, true, true, true]);
        (await first.Http.PostAsJsonAsync($"/api/features/{id}/reviews", new { verdict = "approve" })).StatusCode.ShouldBe(HttpStatusCode.Conflict,
            "a finished run takes no reviews");
    }

    [Fact]
    public async Task A_request_for_changes_sends_the_run_back_to_Plan_with_the_comments_as_notes()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _admin.RegisterRepositoryAsync(repository.RemotePath, settings: new { requiredReviews = 1 });
        var (author, _, _) = await builder.RegisterAgentAsync(_admin, "changer", "1.0", Author);
        var (reviewer, _, _) = await builder.RegisterAgentAsync(_admin, "critic", "1.0", Reviewer);
        var id = await author.SubmitAsync(repositoryId, "Needs work", [BuilderApi.File("value.txt", "42\n", "replace")]);
        await author.WaitForStatusAsync(id, "AwaitingApproval");

        (await reviewer.Http.PostAsJsonAsync($"/api/features/{id}/reviews", new { verdict = "request-changes" })).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest, "a request for changes says which");
        await ReviewAsync(reviewer, id, "request-changes", "explain the answer");

        var again = await author.WaitAsync(id, f => f["attempt"]!.GetValue<int>() == 2 && (string?)f["gate"] == "release", what: "the release gate of attempt 2");
        again["revisionNotes"]!.GetValue<string>().ShouldBe("explain the answer");
        var revision = (await author.EventsAsync(id)).Single(e => (string)e!["type"]! == "revision.requested")!;
        revision["payload"]!["by"]!.GetValue<string>().ShouldBe("agent:critic@1.0");

        var approved = await ReviewAsync(reviewer, id, "approve", "better");
        approved["review"]!["attempt"]!.GetValue<int>().ShouldBe(2);
        approved["releaseRequested"]!.GetValue<bool>().ShouldBeTrue();
        (await author.WaitForEndAsync(id))["status"]!.GetValue<string>().ShouldBe("Completed");
    }

    static async Task<System.Text.Json.Nodes.JsonNode> ReviewAsync(BuilderApi reviewer, Guid id, string verdict, string? comments) =>
        await AgentSteps.OkAsync(await reviewer.Http.PostAsJsonAsync($"/api/features/{id}/reviews", new { verdict, comments }), HttpStatusCode.Created);
}
