using Builder.Web.Components.Tools;
using Builder.Web.Services;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Tests.Web;

/// <summary>The environment images of the Environments &amp; tools page: what each is, who used it, its build log; or plainly that there is no engine.</summary>
public sealed class EnvironmentImageTableSpecs : BunitContext
{
    static readonly DateTimeOffset Built = new(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);

    public EnvironmentImageTableSpecs()
    {
        Services.AddSingleton<ViewerClock>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        // Times ask the browser for its zone once the circuit is interactive, as on the page.
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    static EnvironmentImageInfo Image(string tag, long size, string? logUrl, params EnvironmentRunInfo[] runs) =>
        new(tag, "sha256:0123456789abcdef0123", size, Built, Built.AddHours(2), runs.Select(r => r.Repository).Distinct().ToList(), runs.Length, runs.ToList(), logUrl);

    [Fact]
    public void Without_an_engine_it_says_so_plainly_with_the_reason()
    {
        var table = Render<EnvironmentImageTable>(p => p.Add(x => x.Environments, new EnvironmentsInfo([], "no Docker engine at unix:///var/run/docker.sock")));

        var notice = table.Find("[data-role=no-engine]").TextContent;
        notice.ShouldContain("No container engine answers the workers, so there are no environment images to show");
        notice.ShouldContain("no Docker engine at unix:///var/run/docker.sock");
        table.FindAll("table").ShouldBeEmpty();
    }

    [Fact]
    public void Each_image_shows_its_size_the_runs_that_used_it_and_a_button_for_its_build_log()
    {
        var first = new EnvironmentRunInfo(Guid.NewGuid(), "Add titleCase", "strings", Built: true, Built);
        var second = new EnvironmentRunInfo(Guid.NewGuid(), "Fix slugify", "strings", Built: false, Built.AddHours(2));
        EnvironmentImageInfo? asked = null;
        var table = Render<EnvironmentImageTable>(p => p
            .Add(x => x.Environments, new EnvironmentsInfo([Image("builder-env:0a1b2c3d4e5f60718293", 129_500_000, "/api/environments/builder-env:0a1b2c3d4e5f60718293/log", second, first)], null))
            .Add(x => x.OnShowLog, (EnvironmentImageInfo image) => asked = image));

        var row = table.Find("tr[data-image='builder-env:0a1b2c3d4e5f60718293']");
        row.QuerySelector("th")!.TextContent.ShouldContain("0123456789ab");
        row.QuerySelector("[data-role=size]")!.TextContent.ShouldBe("123.5 MiB");
        var usedBy = row.QuerySelector("[data-role=used-by]")!;
        usedBy.TextContent.ShouldContain("strings, 2 runs");
        usedBy.QuerySelectorAll("li").Select(li => li.TextContent).ShouldBe(["Fix slugify", "Add titleCase (built it)"]);
        usedBy.QuerySelector("a")!.GetAttribute("href").ShouldBe($"/features/{second.FeatureId}");

        row.QuerySelector("button")!.Click();
        asked!.Tag.ShouldBe("builder-env:0a1b2c3d4e5f60718293");
    }

    [Fact]
    public void A_log_asked_for_is_shown_and_an_image_none_of_the_runs_built_says_why_it_has_none()
    {
        var run = new EnvironmentRunInfo(Guid.NewGuid(), "Add titleCase", "strings", Built: false, Built);
        var table = Render<EnvironmentImageTable>(p => p
            .Add(x => x.Environments, new EnvironmentsInfo([
                Image("builder-env:aaaaaaaaaaaaaaaaaaaa", 512, "/api/environments/builder-env:aaaaaaaaaaaaaaaaaaaa/log", run),
                Image("builder-env:bbbbbbbbbbbbbbbbbbbb", 2048, null, run),
            ], null))
            .Add(x => x.Logs, new Dictionary<string, string> { ["builder-env:aaaaaaaaaaaaaaaaaaaa"] = "STEP 1/2: FROM local/base\n[builder] image built in 1.2 s" }));

        var shown = table.Find("tr[data-image='builder-env:aaaaaaaaaaaaaaaaaaaa']");
        shown.QuerySelector("pre.log")!.TextContent.ShouldContain("[builder] image built in 1.2 s");
        shown.QuerySelector("[data-role=size]")!.TextContent.ShouldBe("512 B");
        var reused = table.Find("tr[data-image='builder-env:bbbbbbbbbbbbbbbbbbbb']");
        reused.QuerySelector("button").ShouldBeNull();
        reused.TextContent.ShouldContain("Built before your runs used it");
        reused.QuerySelector("[data-role=size]")!.TextContent.ShouldBe("2 KiB");
    }

    [Fact]
    public void No_image_used_yet_says_how_one_comes()
    {
        var table = Render<EnvironmentImageTable>(p => p.Add(x => x.Environments, new EnvironmentsInfo([], null)));

        table.Find(".empty").TextContent.ShouldContain(".builder/environment.yaml");
    }
}
