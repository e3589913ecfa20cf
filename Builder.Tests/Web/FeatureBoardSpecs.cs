using AngleSharp.Dom;
using Builder.Web.Components.Features;
using Builder.Web.Components.Pages;
using Builder.Web.Services;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Web;

/// <summary>The feature board, rendered by the real Web app's components against the fake API.</summary>
public sealed class FeatureBoardSpecs
{
    static readonly FakeFeature Newest = FakeFeature.Make("Add CSV export", "Running", TimeSpan.FromHours(2), "build", 40);
    static readonly FakeFeature Gated = FakeFeature.Make("Dark mode", "AwaitingApproval", TimeSpan.FromHours(3), "plan", 15, gate: "plan", requestedBy: "alice");
    static readonly FakeFeature Checking = FakeFeature.Make("Rate limits", "Running", TimeSpan.FromHours(4), "healthcheck", 95);
    static readonly FakeFeature Done = FakeFeature.Make("Audit log", "Completed", TimeSpan.FromDays(2), null, 100);
    static readonly FakeFeature Broken = FakeFeature.Make("Search", "Failed", TimeSpan.FromDays(3), null, 60);

    [Fact]
    public async Task Lists_the_features_newest_first_with_status_phase_progress_and_age()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(Done, Newest, Broken, Gated, Checking);
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => Rows(home).Count.ShouldBe(5), WebHarness.Patience);
        Rows(home).Select(r => r.QuerySelector("th[scope=row]")!.TextContent).ShouldBe(["Add CSV export", "Dark mode", "Rate limits", "Audit log", "Search"]);

        var gated = Row(home, Gated.Id);
        gated.QuerySelector(".chip")!.TextContent.ShouldBe("Awaiting approval");
        gated.QuerySelector(".chip")!.ClassList.ShouldContain("chip-awaitingapproval");
        gated.QuerySelector(".gate")!.TextContent.ShouldBe("at the plan gate");
        Cell(gated, "Phase").ShouldBe("Plan");
        Cell(gated, "Requested by").ShouldBe("alice");
        Cell(gated, "Repository").ShouldBe("shop");
        gated.QuerySelector("progress")!.GetAttribute("value").ShouldBe("15");
        Cell(gated, "Progress").ShouldBe("15%");

        Cell(Row(home, Checking.Id), "Phase").ShouldBe("Health check");
        Row(home, Done.Id).QuerySelector(".chip")!.ClassList.ShouldContain("chip-completed");
        Row(home, Done.Id).QuerySelector("td[data-label=Phase] .visually-hidden")!.TextContent.ShouldBe("none");

        var age = Row(home, Newest.Id).QuerySelector("time")!;
        age.TextContent.ShouldBe("2 h ago");
        age.GetAttribute("datetime").ShouldBe(Newest.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        age.GetAttribute("title")!.ShouldEndWith("UTC");
        Row(home, Done.Id).QuerySelector("time")!.TextContent.ShouldBe("2 d ago");
    }

    [Fact]
    public async Task Counts_the_features_in_each_status()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(Done, Newest, Broken, Gated, Checking);
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => Count(home, "Running").ShouldBe("2"), WebHarness.Patience);
        Count(home, "AwaitingApproval").ShouldBe("1");
        Count(home, "Completed").ShouldBe("1");
        Count(home, "Failed").ShouldBe("1");
        Count(home, "Requested").ShouldBe("0");
        Count(home, "RolledBack").ShouldBe("0");
        home.Find(".status-counts button:not([data-status]) .count-value").TextContent.ShouldBe("5");
        home.Find("button[data-status=AwaitingApproval] .count-label").TextContent.ShouldBe("Awaiting approval");
    }

    [Fact]
    public async Task Choosing_a_status_lists_only_the_features_in_it()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(Done, Newest, Broken, Gated, Checking);
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => Rows(home).Count.ShouldBe(5), WebHarness.Patience);

        home.Find("button[data-status=Failed]").Click();

        home.WaitForAssertion(() => Rows(home).Select(r => r.GetAttribute("data-feature-id")).ShouldBe([Broken.Id.ToString()]), WebHarness.Patience);
        home.Find("button[data-status=Failed]").GetAttribute("aria-pressed").ShouldBe("true");
        web.Api.Requests.ShouldContain(r => r.Path == "/api/board" && r.Query.Contains("status=Failed") && r.Query.Contains("pageSize=50"));
    }

    [Fact]
    public async Task With_no_features_it_says_how_to_submit_one()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.Find(".empty").TextContent.ShouldContain("No features yet. Register a repository, then submit a feature"), WebHarness.Patience);
        home.Find(".empty a[href='/features/new']").TextContent.ShouldBe("submit a feature");
        home.FindAll("table").ShouldBeEmpty();
        home.Find(".status-counts button:not([data-status]) .count-value").TextContent.ShouldBe("0");
    }

    [Fact]
    public async Task Pages_through_more_features_than_fit_on_one_page()
    {
        await using var web = await WebHarness.StartAsync(pageSize: 2);
        web.Api.SetFeatures(Done, Newest, Broken, Gated, Checking);
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => home.Find(".pager-position").TextContent.ShouldBe("Page 1 of 3 · 5 features"), WebHarness.Patience);
        home.Find(".pager button:first-child").HasAttribute("disabled").ShouldBeTrue();

        home.Find(".pager button:last-child").Click();

        home.WaitForAssertion(() => Rows(home).Select(r => r.QuerySelector("th")!.TextContent).ShouldBe(["Rate limits", "Audit log"]), WebHarness.Patience);
        home.Find(".pager-position").TextContent.ShouldBe("Page 2 of 3 · 5 features");
        web.Api.Requests.ShouldContain(r => r.Path == "/api/board" && r.Query == "?page=2&pageSize=2");
    }

    [Fact]
    public async Task A_change_in_the_API_shows_up_without_a_reload()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(Newest, Done);
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => Row(home, Newest.Id).QuerySelector(".chip")!.TextContent.ShouldBe("Running"), WebHarness.Patience);

        web.Api.Update(Newest.Id, f => f with { Status = "Completed", CurrentPhase = null, ProgressPercent = 100 });

        home.WaitForAssertion(() => Row(home, Newest.Id).QuerySelector(".chip")!.TextContent.ShouldBe("Completed"), WebHarness.Patience);
        Cell(Row(home, Newest.Id), "Progress").ShouldBe("100%");
        Count(home, "Completed").ShouldBe("2");
        Count(home, "Running").ShouldBe("0");
    }

    [Fact]
    public async Task A_refresh_that_brings_nothing_new_does_not_render_again()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(Newest, Done);
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => Rows(home).Count.ShouldBe(2), WebHarness.Patience);
        // The first load ends when the repositories for the filter are in too.
        home.WaitForAssertion(() => home.FindAll("#board-repository option").Count.ShouldBe(2), WebHarness.Patience);
        await RefreshesAsync(web, 1);
        var board = home.FindComponent<FeatureBoard>();

        var renders = board.RenderCount;
        await RefreshesAsync(web, 3);
        board.RenderCount.ShouldBe(renders);

        web.Api.Update(Done.Id, f => f with { Title = "Audit log v2" });
        home.WaitForAssertion(() => Row(home, Done.Id).QuerySelector("th")!.TextContent.ShouldBe("Audit log v2"), WebHarness.Patience);
        board.RenderCount.ShouldBeGreaterThan(renders);
    }

    [Fact]
    public async Task An_API_error_shows_the_problem_detail_and_clears_when_the_API_recovers()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(Newest);
        web.Api.FeaturesProblem = new FakeProblem(503, "Service Unavailable", "The event store is being migrated; try again in a minute.");
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.Find(".alert[role=alert]").TextContent.ShouldContain("The event store is being migrated; try again in a minute."), WebHarness.Patience);
        home.Markup.ShouldNotContain("Exception");
        home.Markup.ShouldNotContain(" at Builder.");
        home.FindAll("table").ShouldBeEmpty();

        web.Api.FeaturesProblem = null;

        home.WaitForAssertion(() => Rows(home).Count.ShouldBe(1), WebHarness.Patience);
        home.FindAll(".alert").ShouldBeEmpty();
    }

    [Fact]
    public async Task An_error_after_data_arrived_keeps_the_last_list_and_says_it_is_stale()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.SetFeatures(Newest);
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => Rows(home).Count.ShouldBe(1), WebHarness.Patience);

        web.Api.FeaturesProblem = new FakeProblem(400, "Bad request", "pageSize must be between 1 and 200.");

        home.WaitForAssertion(() => home.Find(".alert").TextContent.ShouldContain("pageSize must be between 1 and 200."), WebHarness.Patience);
        home.Find(".alert .stale").TextContent.ShouldContain("what the API said last");
        Rows(home).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_problem_without_detail_shows_its_title()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.FeaturesProblem = new FakeProblem(404, "Repository not found", null);
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.Find(".alert").TextContent.Trim().ShouldBe("Repository not found"), WebHarness.Patience);
    }

    [Fact]
    public async Task An_error_page_that_is_not_a_problem_shows_the_status_line()
    {
        await using var web = await WebHarness.StartAsync();
        web.Api.FeaturesProblem = new FakeProblem(502, null, null, Html: "<html><body><h1>502 Bad Gateway</h1><pre>upstream stack</pre></body></html>");
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.Find(".alert").TextContent.Trim().ShouldBe("The Builder API answered 502 Bad Gateway."), WebHarness.Patience);
        home.Markup.ShouldNotContain("upstream stack");
    }

    [Fact]
    public async Task A_failing_call_is_retried_once_not_for_half_a_minute()
    {
        await using var web = await WebHarness.StartAsync();
        await using var circuit = web.CreateCircuit(out var services);
        (await services.GetRequiredService<BuilderApiClient>().SignInAsync(FakeBuilderApi.Key)).ShouldBeTrue();
        web.Api.FeaturesProblem = new FakeProblem(503, "Service Unavailable", "Restarting.");
        var before = web.Api.Requests.Count(r => r.Path == "/api/features");

        var failure = await Should.ThrowAsync<BuilderApiException>(() =>
            services.GetRequiredService<BuilderApiClient>().GetFeaturesAsync(new FeatureQuery()));

        failure.StatusCode.ShouldBe(503);
        failure.Message.ShouldBe("Restarting.");
        (web.Api.Requests.Count(r => r.Path == "/api/features") - before).ShouldBe(2);
    }

    static IReadOnlyList<IElement> Rows(IRenderedComponent<Home> home) => [.. home.FindAll("tbody tr")];

    static IElement Row(IRenderedComponent<Home> home, Guid id) => home.Find($"tr[data-feature-id='{id}']");

    static string Cell(IElement row, string label) => row.QuerySelector($"td[data-label='{label}']")!.TextContent.Trim();

    static string Count(IRenderedComponent<Home> home, string status) =>
        home.Find($"button[data-status={status}] .count-value").TextContent;

    /// <summary>Waits until the board has asked the API for its list <paramref name="n"/> more times.</summary>
    static async Task RefreshesAsync(WebHarness web, int n)
    {
        var target = web.Api.ListRequestCount + n;
        await Eventually.True(() => web.Api.ListRequestCount >= target, "the board to refresh", WebHarness.Patience);
        // Let the last answer reach the component before counting renders.
        await Task.Delay(100);
    }
}
