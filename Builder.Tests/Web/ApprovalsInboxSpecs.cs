using Builder.Web.Components.Approvals;
using Builder.Web.Services;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Web;

/// <summary>The approvals inbox: runs waiting at a gate, the longest waiting first, each with what to judge and one-click decisions.</summary>
public sealed class ApprovalsInboxSpecs
{
    const string ReleaseDiff = """
        diff --git a/value.txt b/value.txt
        --- a/value.txt
        +++ b/value.txt
        @@ -1 +1 @@
        -0
        +42
        diff --git a/docs/answer.md b/docs/answer.md
        new file mode 100644
        --- /dev/null
        +++ b/docs/answer.md
        @@ -0,0 +1,2 @@
        +# Answer
        +42

        """;

    const string Plan = """{"summary":"Apply the submitted draft (1 file(s)) to main.","files":[{"path":"src/theme.css","mode":"add"}],"testCommand":"make test"}""";

    static readonly FakeFeature NewerAtPlan = FakeFeature.Make("Dark mode", "AwaitingApproval", TimeSpan.FromMinutes(5), "plan", 14, gate: "plan", requestedBy: "alice");
    static readonly FakeFeature OlderAtRelease = FakeFeature.Make("Answer with 42", "AwaitingApproval", TimeSpan.FromHours(2), "verify", 57, gate: "release", requestedBy: "agent:coder@1.2");
    static readonly FakeFeature Running = FakeFeature.Make("Still building", "Running", TimeSpan.FromMinutes(1), "build", 30);

    [Fact]
    public async Task Lists_the_runs_at_a_gate_oldest_first_with_the_diff_or_the_plan_to_judge()
    {
        await using var web = await StartAsync();
        await using var circuit = await SignedInCircuitAsync(web);

        var inbox = circuit.Render<ApprovalsInbox>();

        inbox.WaitForAssertion(() => inbox.FindAll(".inbox-item").Select(i => i.QuerySelector("h2")!.TextContent).ShouldBe(["Answer with 42", "Dark mode"]), WebHarness.Patience);
        var release = inbox.Find($".inbox-item[data-feature-id='{OlderAtRelease.Id}']");
        release.GetAttribute("data-gate").ShouldBe("release");
        release.QuerySelector(".gate-badge")!.TextContent.ShouldBe("release gate");
        release.QuerySelector(".inbox-meta")!.TextContent.ShouldContain("by agent:coder@1.2");
        release.QuerySelector("h2 a")!.GetAttribute("href").ShouldBe($"/features/{OlderAtRelease.Id}");
        inbox.WaitForAssertion(() => inbox.Find($".inbox-item[data-feature-id='{OlderAtRelease.Id}'] [data-summary=diff]").TextContent.ShouldContain("2 files changed"), WebHarness.Patience);
        var summary = inbox.Find($".inbox-item[data-feature-id='{OlderAtRelease.Id}'] [data-summary=diff]");
        summary.QuerySelector("p .added-count")!.TextContent.ShouldBe("+3");
        summary.QuerySelector("p .removed-count")!.TextContent.ShouldBe("−1");
        summary.QuerySelectorAll("ul.file-counts li code").Select(c => c.TextContent).ShouldBe(["value.txt", "docs/answer.md"]);

        var plan = inbox.Find($".inbox-item[data-feature-id='{NewerAtPlan.Id}'] [data-summary=plan]");
        plan.TextContent.ShouldContain("Apply the submitted draft");
        plan.QuerySelector("li code")!.TextContent.ShouldBe("src/theme.css");
        inbox.Find($".inbox-item[data-feature-id='{NewerAtPlan.Id}'] button.approve").TextContent.ShouldBe("Approve plan");
        inbox.FindAll("button").ShouldNotContain(b => b.TextContent.Contains("Cancel"));
        web.Api.Requests.ShouldContain(r => r.Path == "/api/board" && r.Query.Contains("status=AwaitingApproval") && r.Query.Contains("order=oldest"));
    }

    [Fact]
    public async Task At_the_release_gate_the_diff_itself_is_shown_open_under_the_summary()
    {
        await using var web = await StartAsync();
        await using var circuit = await SignedInCircuitAsync(web);

        var inbox = circuit.Render<ApprovalsInbox>();

        WaitUntilLoaded(inbox);
        var diff = inbox.Find($".inbox-item[data-feature-id='{OlderAtRelease.Id}'] details.gate-diff");
        diff.HasAttribute("open").ShouldBeTrue();
        diff.QuerySelector("details.diff-file[data-path='value.txt'] tr.line-added .code")!.TextContent.ShouldBe("42");
        diff.QuerySelector("details.diff-file[data-path='value.txt'] tr.line-removed .code")!.TextContent.ShouldBe("0");
        diff.QuerySelector("details.diff-file[data-path='docs/answer.md']").ShouldNotBeNull();
        // The plan gate is judged on the plan: no diff there.
        inbox.Find($".inbox-item[data-feature-id='{NewerAtPlan.Id}']").QuerySelector("details.gate-diff").ShouldBeNull();
    }

    [Fact]
    public async Task Approve_is_one_click_and_the_run_leaves_the_inbox_without_a_reload()
    {
        await using var web = await StartAsync();
        await using var circuit = await SignedInCircuitAsync(web);
        var inbox = circuit.Render<ApprovalsInbox>();
        WaitUntilLoaded(inbox);

        await inbox.Find($".inbox-item[data-feature-id='{OlderAtRelease.Id}'] button.approve").ClickAsync(new MouseEventArgs());

        inbox.WaitForAssertion(() => inbox.FindAll(".inbox-item").Select(i => i.GetAttribute("data-feature-id")).ShouldBe([NewerAtPlan.Id.ToString()]), WebHarness.Patience);
        inbox.Find("p.success[role=status]").TextContent.ShouldBe("Approved “Answer with 42” at the release gate. The run goes on.");
        web.Api.Actions.ShouldContain(a => a.Id == OlderAtRelease.Id && a.Action == "approve");
    }

    [Fact]
    public async Task Reject_asks_first_and_sends_the_notes()
    {
        await using var web = await StartAsync();
        await using var circuit = await SignedInCircuitAsync(web);
        var inbox = circuit.Render<ApprovalsInbox>();
        WaitUntilLoaded(inbox);
        var item = $".inbox-item[data-feature-id='{NewerAtPlan.Id}']";

        await inbox.Find($"{item} button.danger").ClickAsync(new MouseEventArgs());

        web.Api.Actions.ShouldBeEmpty("reject must be confirmed first");
        inbox.Find($"{item} .confirm-title").TextContent.ShouldBe("Reject the run? It ends as Rejected and delivers nothing.");
        inbox.Find($"{item} button[aria-expanded=true]").TextContent.ShouldBe("Reject…");
        await inbox.Find($"{item} .confirm textarea").InputAsync(new ChangeEventArgs { Value = "Not this quarter." });
        await inbox.FindAll($"{item} .confirm button").Single(b => b.TextContent == "Reject run").ClickAsync(new MouseEventArgs());

        inbox.WaitForAssertion(() => inbox.Find("p.success").TextContent.ShouldBe("Rejected “Dark mode”."), WebHarness.Patience);
        var (_, action, body) = web.Api.Actions.Single();
        action.ShouldBe("reject");
        body.ShouldContain("\"reason\":\"Not this quarter.\"");
        inbox.WaitForAssertion(() => inbox.FindAll(item).ShouldBeEmpty(), WebHarness.Patience);
    }

    [Fact]
    public async Task Revise_needs_notes_and_keep_closes_without_acting()
    {
        await using var web = await StartAsync();
        await using var circuit = await SignedInCircuitAsync(web);
        var inbox = circuit.Render<ApprovalsInbox>();
        WaitUntilLoaded(inbox);
        var item = $".inbox-item[data-feature-id='{NewerAtPlan.Id}']";

        await inbox.FindAll($"{item} .actions button").Single(b => b.TextContent == "Revise…").ClickAsync(new MouseEventArgs());
        var send = inbox.FindAll($"{item} .confirm button").Single(b => b.TextContent == "Send back");
        send.HasAttribute("disabled").ShouldBeTrue("revising without notes says nothing to the planner");
        await inbox.FindAll($"{item} .confirm button").Single(b => b.TextContent == "Keep the run").ClickAsync(new MouseEventArgs());
        inbox.FindAll($"{item} .confirm").ShouldBeEmpty();

        await inbox.FindAll($"{item} .actions button").Single(b => b.TextContent == "Revise…").ClickAsync(new MouseEventArgs());
        await inbox.Find($"{item} .confirm textarea").InputAsync(new ChangeEventArgs { Value = "Use the design tokens." });
        await inbox.FindAll($"{item} .confirm button").Single(b => b.TextContent == "Send back").ClickAsync(new MouseEventArgs());

        inbox.WaitForAssertion(() => web.Api.Actions.ShouldContain(a => a.Action == "revise" && a.Body.Contains("Use the design tokens.")), WebHarness.Patience);
    }

    [Fact]
    public async Task An_action_the_API_refuses_shows_the_APIs_message_by_the_buttons()
    {
        await using var web = await StartAsync();
        await using var circuit = await SignedInCircuitAsync(web);
        var inbox = circuit.Render<ApprovalsInbox>();
        WaitUntilLoaded(inbox);
        // Someone else approved it a moment ago: the API now says it is Running.
        web.Api.ActionProblem = new FakeProblem(409, "Not allowed in the current state", "The feature is Running; only a feature awaiting approval can be approved.");

        await inbox.Find($".inbox-item[data-feature-id='{OlderAtRelease.Id}'] button.approve").ClickAsync(new MouseEventArgs());

        inbox.WaitForAssertion(() => inbox.Find("p.error[role=alert]").TextContent.ShouldBe("The feature is Running; only a feature awaiting approval can be approved."), WebHarness.Patience);
    }

    [Fact]
    public async Task With_nothing_waiting_it_says_which_runs_stop_here()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(Running);
        await using var circuit = await SignedInCircuitAsync(web);

        var inbox = circuit.Render<ApprovalsInbox>();

        inbox.WaitForAssertion(() => inbox.Find(".empty").TextContent.ShouldContain("Nothing is waiting for approval"), WebHarness.Patience);
        inbox.Find(".empty a").GetAttribute("href").ShouldBe("/features/new");
    }

    /// <summary>Both runs and what to judge them on are shown: no render is pending that would replace the buttons under a click.</summary>
    static void WaitUntilLoaded(IRenderedComponent<ApprovalsInbox> inbox) =>
        inbox.WaitForAssertion(() => inbox.FindAll(".inbox-item [data-summary]").Count.ShouldBe(2), WebHarness.Patience);

    static async Task<WebHarness> StartAsync()
    {
        var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(NewerAtPlan, OlderAtRelease, Running);
        web.Api.SetArtifact(OlderAtRelease.Id, "change.diff", ReleaseDiff);
        web.Api.SetArtifact(NewerAtPlan.Id, "plan.json", Plan);
        return web;
    }

    static async Task<BunitContext> SignedInCircuitAsync(WebHarness web)
    {
        var circuit = web.CreateCircuit(out var services);
        (await services.GetRequiredService<BuilderApiClient>().SignInAsync(FakeBuilderApi.Key)).ShouldBeTrue();
        return circuit;
    }
}
