using System.Text.Json;
using Builder.Web.Components.Features;
using Builder.Web.Services;
using Bunit;

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
}
