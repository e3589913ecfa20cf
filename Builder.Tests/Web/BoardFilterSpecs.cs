using AngleSharp.Dom;
using Builder.Web.Components.Pages;
using Bunit;

namespace Builder.Tests.Web;

/// <summary>The board's filters: repository, author and title search, with the status counts following them.</summary>
public sealed class BoardFilterSpecs
{
    static readonly Guid Docs = Guid.Parse("7a1c9e0d-2b3f-4c5d-8e9f-0a1b2c3d4e5f");
    static readonly FakeFeature DarkMode = FakeFeature.Make("Dark mode", "Running", TimeSpan.FromHours(1), "build", 40, requestedBy: "alice");
    static readonly FakeFeature DarkDocs = FakeFeature.Make("Document dark mode", "Completed", TimeSpan.FromHours(2), requestedBy: "agent:writer@2.0", repositoryId: Docs, repositoryName: "docs");
    static readonly FakeFeature Export = FakeFeature.Make("CSV export", "Failed", TimeSpan.FromHours(3), requestedBy: "alice");
    static readonly FakeFeature Search = FakeFeature.Make("Search", "Completed", TimeSpan.FromHours(4), requestedBy: "ci-bot");

    [Fact]
    public async Task Choosing_a_repository_lists_and_counts_only_its_features()
    {
        await using var web = await StartAsync();
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => Titles(home).Count.ShouldBe(4), WebHarness.Patience);
        home.WaitForAssertion(() => home.FindAll("#board-repository option").Select(o => o.TextContent).ShouldBe(["All repositories", "shop", "docs"]), WebHarness.Patience);

        await home.InvokeAsync(() => home.Find("#board-repository").Change(Docs.ToString()));

        home.WaitForAssertion(() => Titles(home).ShouldBe(["Document dark mode"]), WebHarness.Patience);
        Count(home, "Completed").ShouldBe("1");
        Count(home, "Failed").ShouldBe("0");
        home.Find(".status-counts button:not([data-status]) .count-value").TextContent.ShouldBe("1");
        web.Api.Requests.ShouldContain(r => r.Path == "/api/board" && r.Query.Contains($"repositoryId={Docs}"));
    }

    [Fact]
    public async Task Choosing_an_author_lists_only_what_they_submitted()
    {
        await using var web = await StartAsync();
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => home.FindAll("#board-author option").Select(o => o.TextContent).ShouldBe(["Anyone", "agent:writer@2.0", "alice", "ci-bot"]), WebHarness.Patience);

        await home.InvokeAsync(() => home.Find("#board-author").Change("alice"));

        home.WaitForAssertion(() => Titles(home).ShouldBe(["Dark mode", "CSV export"]), WebHarness.Patience);
        home.FindAll("td.author").Select(a => a.TextContent).ShouldAllBe(a => a == "alice");
        web.Api.Requests.ShouldContain(r => r.Path == "/api/board" && r.Query.Contains("requestedBy=alice"));
    }

    [Fact]
    public async Task Searching_waits_for_a_pause_in_typing_then_matches_titles_in_any_case()
    {
        await using var web = await StartAsync();
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => Titles(home).Count.ShouldBe(4), WebHarness.Patience);

        foreach (var typed in new[] { "D", "DA", "DAR", "DARK" })
            await home.InvokeAsync(() => home.Find("#board-search").Input(typed));

        home.WaitForAssertion(() => Titles(home).ShouldBe(["Dark mode", "Document dark mode"]), WebHarness.Patience);
        var searches = web.Api.Requests.Where(r => r.Path == "/api/board" && r.Query.Contains("q=")).Select(r => r.Query).Distinct().ToList();
        searches.ShouldAllBe(q => q.Contains("q=DARK"), "each keystroke must not be a request of its own");
        Count(home, "Running").ShouldBe("1");
        Count(home, "Failed").ShouldBe("0");
    }

    [Fact]
    public async Task Filters_combine_and_an_empty_result_offers_to_clear_them()
    {
        await using var web = await StartAsync();
        await using var circuit = web.CreateCircuit();
        var home = circuit.SignIn();
        home.WaitForAssertion(() => Titles(home).Count.ShouldBe(4), WebHarness.Patience);

        await home.InvokeAsync(() => home.Find("#board-author").Change("ci-bot"));
        home.WaitForAssertion(() => Titles(home).ShouldBe(["Search"]), WebHarness.Patience);
        await home.InvokeAsync(() => home.Find("#board-search").Input("dark"));
        await home.InvokeAsync(() => home.Find("form.filters").Submit());

        home.WaitForAssertion(() => home.Find(".empty").TextContent.ShouldContain("No feature matches these filters."), WebHarness.Patience);
        home.Find(".empty button").TextContent.ShouldBe("Clear filters");
        await home.InvokeAsync(() => home.Find(".empty button").Click());

        home.WaitForAssertion(() => Titles(home).Count.ShouldBe(4), WebHarness.Patience);
        home.Find("#board-search").GetAttribute("value").ShouldBe("");
        home.Find("#board-author").GetAttribute("value").ShouldBe("");
        home.FindAll(".filters .clear-filters").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_thousand_features_come_a_page_at_a_time_and_long_titles_are_kept_whole()
    {
        await using var web = await WebHarness.StartAsync();
        var longTitle = string.Concat(Enumerable.Repeat("A very long feature title that keeps going ", 12)).Trim();
        web.Api.SetFeatures([.. Enumerable.Range(1, 1000).Select(i =>
            FakeFeature.Make(i == 1000 ? longTitle : $"Feature {i:0000}", i % 3 == 0 ? "Completed" : "Running", TimeSpan.FromMinutes(1000 - i)))]);
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.Find(".pager-position").TextContent.ShouldBe("Page 1 of 20 · 1000 features"), WebHarness.Patience);
        Titles(home).Count.ShouldBe(50);
        Titles(home)[0].ShouldBe(longTitle);
        Count(home, "Completed").ShouldBe("333");
        Count(home, "Running").ShouldBe("667");
        web.Api.Requests.Where(r => r.Path == "/api/board").ShouldAllBe(r => r.Query.Contains("pageSize=50"));
    }

    static async Task<WebHarness> StartAsync()
    {
        var web = await WebHarness.StartAsync();
        web.Api.SetRepositories(new FakeRepository(FakeFeature.ShopRepository, "shop"), new FakeRepository(Docs, "docs"));
        web.Api.SetFeatures(DarkMode, DarkDocs, Export, Search);
        return web;
    }

    static IReadOnlyList<string> Titles(IRenderedComponent<Home> home) => [.. home.FindAll("tbody th.title").Select(t => t.TextContent)];

    static string Count(IRenderedComponent<Home> home, string status) => home.Find($"button[data-status={status}] .count-value").TextContent;
}
