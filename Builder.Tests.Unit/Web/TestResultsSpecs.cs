using System.Text.Json;
using Builder.Web.Components.Features;
using Builder.Web.Services;
using Bunit;
using Microsoft.AspNetCore.Components.Web.Virtualization;

namespace Builder.Tests.Web;

/// <summary>The test results of a run: the tests that prove the change, and the new ones that already passed, each in their own list.</summary>
public sealed class TestResultsSpecs : BunitContext
{
    [Fact]
    public void New_tests_that_already_passed_on_the_base_are_listed_apart_from_the_proof()
    {
        var payload = JsonDocument.Parse("""
            {"summary": "1 new or changed test(s) fail on the base and pass with the change; 1 new or changed test(s) already passed on the base (new, already passing); 5 test(s) that passed before still pass.",
             "failToPass": ["Slugs.Tests.SlugTests.Collapses_repeated_spaces"],
             "newPassing": ["Slugs.Tests.SlugTests.Keeps_a_single_word"],
             "passToPass": 5}
            """).RootElement;
        var report = TestReport.FromEvents([new FeatureEvent(9, "verification.passed", "verify", DateTimeOffset.UtcNow, payload, "worker")]);

        var view = Render<TestResults>(p => p.Add(x => x.Report, report));

        view.Find(".verdict").ClassList.ShouldContain("good");
        view.Find("[data-list=new-passing]").TextContent.Trim().ShouldBe("Slugs.Tests.SlugTests.Keeps_a_single_word");
        view.FindAll(".test-list").First().TextContent.Trim().ShouldBe("Slugs.Tests.SlugTests.Collapses_repeated_spaces");
        view.Markup.ShouldContain("New, already passing");
    }

    [Fact]
    public void A_broken_verdict_reads_as_one_short_item_per_rule_with_its_tests()
    {
        var report = TestReport.FromJson(Parse("""
            {"summary": {"passed": 3, "failed": 1, "skipped": 0},
             "verdict": {"passed": false, "summary": "PASS_TO_PASS: 1 test that passed on the base fails. TEST_DELETED: 1 test is gone.",
                         "failToPass": [], "passToPass": 2,
                         "violations": [
                            {"rule": "PASS_TO_PASS", "message": "1 test that passed on the base fails.", "tests": ["Shop.Cart.Totals"]},
                            {"rule": "TEST_DELETED", "message": "1 test is gone.", "tests": ["Shop.Cart.Empty"]}]},
             "change": [{"Id": "Shop.Cart.Totals", "Name": "Shop.Cart.Totals", "Outcome": 1, "Message": "expected 3"}]}
            """));

        var view = Render<TestResults>(p => p.Add(x => x.Report, report));

        view.Find(".verdict").ClassList.ShouldContain("bad");
        var rules = view.FindAll(".verdict-rules > li.violation");
        rules.Select(r => r.GetAttribute("data-rule")).ShouldBe(["PASS_TO_PASS", "TEST_DELETED"]);
        rules[0].QuerySelector("h4")!.TextContent.ShouldStartWith("Pass to pass");
        rules[0].QuerySelector("p")!.TextContent.ShouldBe("1 test that passed on the base fails.");
        rules[0].QuerySelector(".test-list")!.TextContent.Trim().ShouldBe("Shop.Cart.Totals");
        view.Find(".verdict-rules > li[data-class=pass-to-pass]").TextContent.ShouldContain("2 that passed before still pass");
        // The joined summary paragraph is not repeated above the list.
        view.Find(".verdict").TextContent.ShouldNotContain("PASS_TO_PASS: 1 test");
        // Verify writes outcomes as numbers; they read as words.
        view.Find(".case .outcome").TextContent.ShouldBe("failed");
    }

    [Fact]
    public void Hundreds_of_cases_are_virtualised_and_filtered_by_search_outcome_and_contract_class()
    {
        var report = TestReport.FromJson(Parse(LargeSuite(600)));

        var view = Render<TestResults>(p => p.Add(x => x.Report, report));

        view.FindComponents<Virtualize<TestCaseView>>().Count.ShouldBe(1);
        view.FindAll(".case").Count.ShouldBeLessThan(600);
        view.Find(".case-count").TextContent.ShouldBe("600 tests");
        // Failures first.
        view.Find(".case").GetAttribute("data-outcome").ShouldBe("failed");

        view.Find("#case-search").Input("Case0042");
        view.Find(".case-count").TextContent.ShouldBe("1 of 600 tests");
        view.Find(".case-name").TextContent.ShouldBe("Suite.Case0042");

        view.Find("#case-search").Input("");
        view.Find("#case-outcome").Change("failed");
        view.Find(".case-count").TextContent.ShouldBe("2 of 600 tests");
        view.FindAll(".case").ShouldAllBe(c => c.GetAttribute("data-outcome") == "failed");

        view.Find("#case-outcome").Change("");
        view.Find("#case-contract").Change(nameof(ContractClass.FailToPass));
        view.Find(".case-count").TextContent.ShouldBe("1 of 600 tests");
        view.Find(".case-name").TextContent.ShouldBe("Suite.Case0001");
        view.Find(".contract").TextContent.ShouldBe("fail-to-pass");

        view.Find("#case-contract").Change(nameof(ContractClass.NewPassing));
        view.Find(".case-name").TextContent.ShouldBe("Suite.Case0002");

        view.Find("#case-contract").Change(nameof(ContractClass.Violation));
        view.FindAll(".case-name").Select(c => c.TextContent).ShouldBe(["Suite.Case0000", "Suite.Case0003"]);

        view.Find("#case-contract").Change(nameof(ContractClass.PassToPass));
        view.Find(".case-count").TextContent.ShouldBe("596 of 600 tests");
    }

    /// <summary>
    /// A suite as Verify writes test-results.json: case 0 and 3 fail and break a rule, case 1 proves
    /// the change, case 2 is new and already passed, the rest passed before and still pass.
    /// </summary>
    static string LargeSuite(int count)
    {
        var cases = Enumerable.Range(0, count).Select(i => new
        {
            Id = $"Suite.Case{i:0000}",
            Name = $"Suite.Case{i:0000}",
            Outcome = i is 0 or 3 ? 1 : 0,
            Message = i is 0 or 3 ? "Assert.Equal() Failure" : null,
        });
        return JsonSerializer.Serialize(new
        {
            summary = new { passed = count - 2, failed = 2, skipped = 0 },
            verdict = new
            {
                passed = false,
                failToPass = new[] { "Suite.Case0001" },
                newPassing = new[] { "Suite.Case0002" },
                passToPass = count - 4,
                violations = new[] { new { rule = "PASS_TO_PASS", message = "2 tests that passed on the base fail.", tests = new[] { "Suite.Case0000", "Suite.Case0003" } } },
            },
            change = cases,
        });
    }

    static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
