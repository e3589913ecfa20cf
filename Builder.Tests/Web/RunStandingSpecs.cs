using Builder.Web.Components.Features;
using Builder.Web.Components.Layout;
using Builder.Web.Services;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Web;

/// <summary>How a run's standing shows outside its own page: the progress bar's colour and the count of runs waiting in the navigation.</summary>
public sealed class RunStandingSpecs
{
    [Theory]
    [InlineData(FeatureStatus.Running, "running")]
    [InlineData(FeatureStatus.AwaitingApproval, "running")]
    [InlineData(FeatureStatus.Failed, "failed")]
    [InlineData(FeatureStatus.RolledBack, "failed")]
    [InlineData(FeatureStatus.Completed, "done")]
    [InlineData(FeatureStatus.Cancelled, "stopped")]
    public void A_progress_bar_is_coloured_by_how_the_run_stands(FeatureStatus status, string tone)
    {
        using var context = new BunitContext();

        var bar = context.Render<RunProgress>(p => p.Add(x => x.Status, status).Add(x => x.Percent, 140));

        bar.Find(".progress").ClassList.ShouldContain($"progress-{tone}");
        bar.Find("progress").GetAttribute("value").ShouldBe("100");
        bar.Find(".progress-value").TextContent.ShouldBe("100%");
    }

    [Fact]
    public async Task A_failed_run_on_the_board_has_a_failed_bar_and_a_running_one_the_running_bar()
    {
        await using var web = await WebHarness.StartAsync();
        var failed = FakeFeature.Make("Broke the build", "Failed", TimeSpan.FromMinutes(9), "build", 40);
        var running = FakeFeature.Make("Still going", "Running", TimeSpan.FromMinutes(2), "build", 40);
        web.Api.SetFeatures(failed, running);
        await using var circuit = web.CreateCircuit();

        var home = circuit.SignIn();

        home.WaitForAssertion(() => home.FindAll("tbody tr").Count.ShouldBe(2), WebHarness.Patience);
        home.Find($"tr[data-feature-id='{failed.Id}'] .progress").GetAttribute("data-tone").ShouldBe("failed");
        home.Find($"tr[data-feature-id='{running.Id}'] .progress").GetAttribute("data-tone").ShouldBe("running");
    }

    [Fact]
    public async Task The_navigation_counts_the_runs_waiting_for_approval_and_follows_them_live()
    {
        await using var web = await WebHarness.StartAsync();
        var atPlan = FakeFeature.Make("Dark mode", "AwaitingApproval", TimeSpan.FromMinutes(5), "plan", 14, gate: "plan");
        var atRelease = FakeFeature.Make("Answer with 42", "AwaitingApproval", TimeSpan.FromHours(2), "verify", 57, gate: "release");
        web.Api.SetFeatures(atPlan, atRelease, FakeFeature.Make("Still building", "Running", TimeSpan.FromMinutes(1), "build", 30));
        await using var circuit = web.CreateCircuit(out var services);
        (await services.GetRequiredService<BuilderApiClient>().SignInAsync(FakeBuilderApi.Key)).ShouldBeTrue();

        var count = circuit.Render<AwaitingApprovalCount>();

        count.WaitForAssertion(() => count.Find("[data-role=awaiting-approval]").TextContent.ShouldBe("2 waiting"), WebHarness.Patience);
        web.Api.SetFeatures(atPlan);
        count.WaitForAssertion(() => count.Find("[data-role=awaiting-approval]").TextContent.ShouldBe("1 waiting"), WebHarness.Patience);
        web.Api.SetFeatures();
        count.WaitForAssertion(() => count.FindAll("[data-role=awaiting-approval]").ShouldBeEmpty(), WebHarness.Patience);
    }
}
