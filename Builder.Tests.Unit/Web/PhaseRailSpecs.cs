using AngleSharp.Dom;
using Builder.Web.Components.Features;
using Builder.Web.Services;
using Bunit;

namespace Builder.Tests.Web;

/// <summary>The phase rail: seven phases in order, each with its state, duration and, when running, progress.</summary>
public sealed class PhaseRailSpecs : BunitContext
{
    static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    static PhaseInfo Phase(string name, string status, long? ms = null, DateTimeOffset? started = null, string? reason = null) =>
        new(name, status, started, started is null || ms is null ? null : started + TimeSpan.FromMilliseconds(ms.Value), ms, reason);

    [Fact]
    public void Shows_the_seven_phases_in_pipeline_order_with_their_states_and_durations()
    {
        var rail = Render<PhaseRail>(p => p
            .Add(x => x.Phases, [
                Phase("plan", "done", 1234),
                Phase("generate", "done", 850),
                Phase("build", "done", 75_000),
                Phase("verify", "failed", 4200, reason: "The tests failed (exit code 2): make test\nmake: *** [test] Error 1"),
                Phase("deliver", "pending"),
                Phase("deploy", "skipped", 3, reason: "no deploy target is configured"),
                Phase("healthcheck", "pending"),
            ])
            .Add(x => x.Now, Now));

        Items(rail).Select(i => i.GetAttribute("data-phase")).ShouldBe(["plan", "generate", "build", "verify", "deliver", "deploy", "healthcheck"]);
        Items(rail).Select(i => i.QuerySelector(".phase-name")!.TextContent).ShouldBe(["Plan", "Generate", "Build", "Verify", "Deliver", "Deploy", "Health check"]);
        State(rail, "plan").ShouldBe(("done", "Done", "1.2 s"));
        State(rail, "generate").ShouldBe(("done", "Done", "850 ms"));
        State(rail, "build").ShouldBe(("done", "Done", "1 min 15 s"));
        State(rail, "verify").ShouldBe(("failed", "Failed", "4.2 s"));
        State(rail, "deliver").ShouldBe(("pending", "Pending", null));
        State(rail, "deploy").ShouldBe(("skipped", "Skipped", "3 ms"));

        // A failure's first line is shown; the whole reason is in the tooltip.
        var reason = Item(rail, "verify").QuerySelector(".phase-reason")!;
        reason.TextContent.ShouldBe("The tests failed (exit code 2): make test");
        reason.GetAttribute("title")!.ShouldContain("Error 1");
        Item(rail, "deploy").QuerySelector(".phase-reason")!.TextContent.ShouldBe("no deploy target is configured");
        rail.FindAll("progress").ShouldBeEmpty();
        rail.FindAll("[aria-current]").ShouldBeEmpty();
    }

    [Fact]
    public void A_running_phase_shows_its_elapsed_time_and_progress_against_its_usual_duration()
    {
        var rail = Render<PhaseRail>(p => p
            .Add(x => x.Phases, [Phase("plan", "done", 200), Phase("generate", "done", 100), Phase("build", "running", started: Now.AddSeconds(-30))])
            .Add(x => x.Now, Now)
            .Add(x => x.TypicalMs, new Dictionary<string, long> { ["build"] = 60_000 }));

        var build = Item(rail, "build");
        build.GetAttribute("data-state").ShouldBe("running");
        build.GetAttribute("aria-current").ShouldBe("step");
        build.QuerySelector(".phase-duration")!.TextContent.ShouldBe("30.0 s");
        var progress = build.QuerySelector("progress")!;
        progress.GetAttribute("value").ShouldBe("50");
        progress.GetAttribute("aria-label").ShouldBe("Build: about 50% of its usual time");
        // Phases the API has not reported on yet read as pending.
        State(rail, "verify").ShouldBe(("pending", "Pending", null));
    }

    [Fact]
    public void A_running_phase_that_overruns_or_has_no_history_never_shows_as_finished()
    {
        var overrun = Render<PhaseRail>(p => p
            .Add(x => x.Phases, [Phase("build", "running", started: Now.AddMinutes(-10))])
            .Add(x => x.Now, Now)
            .Add(x => x.TypicalMs, new Dictionary<string, long> { ["build"] = 1000 }));
        Item(overrun, "build").QuerySelector("progress")!.GetAttribute("value").ShouldBe("95");

        var unknown = Render<PhaseRail>(p => p.Add(x => x.Phases, [Phase("build", "running", started: Now.AddSeconds(-5))]).Add(x => x.Now, Now));
        var bar = Item(unknown, "build").QuerySelector("progress")!;
        bar.HasAttribute("value").ShouldBeFalse("with no usual duration the bar is indeterminate");
        bar.GetAttribute("aria-label").ShouldBe("Build is running");
    }

    [Fact]
    public void A_run_at_a_gate_marks_that_phase_as_the_current_step()
    {
        var rail = Render<PhaseRail>(p => p
            .Add(x => x.Phases, [Phase("plan", "awaiting_approval", 900)])
            .Add(x => x.Now, Now));

        var plan = Item(rail, "plan");
        plan.GetAttribute("aria-current").ShouldBe("step");
        plan.ClassList.ShouldContain("phase-awaiting-approval");
        plan.QuerySelector(".phase-state")!.TextContent.ShouldBe("Awaiting approval");
        plan.QuerySelector(".phase-marker")!.GetAttribute("aria-hidden").ShouldBe("true");
    }

    static IReadOnlyList<IElement> Items(IRenderedComponent<PhaseRail> rail) => [.. rail.FindAll("ol.phase-rail > li")];

    static IElement Item(IRenderedComponent<PhaseRail> rail, string phase) => rail.Find($"li[data-phase={phase}]");

    static (string?, string, string?) State(IRenderedComponent<PhaseRail> rail, string phase)
    {
        var item = Item(rail, phase);
        return (item.GetAttribute("data-state"), item.QuerySelector(".phase-state")!.TextContent, item.QuerySelector(".phase-duration")?.TextContent);
    }
}
