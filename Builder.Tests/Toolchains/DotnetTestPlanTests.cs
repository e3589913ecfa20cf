using Builder.Core.Domain;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Tests.Toolchains;

/// <summary>Which .NET projects and frameworks detection picks, without building anything.</summary>
public class DotnetTestPlanTests
{
    static readonly RepositorySettings None = new();

    static string TestProject(string frameworks, params string[] references) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup><TargetFrameworks>{frameworks}</TargetFrameworks></PropertyGroup>
          <ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" /></ItemGroup>
          <ItemGroup>{string.Concat(references.Select(r => $"<ProjectReference Include=\"{r}\" />"))}</ItemGroup>
        </Project>
        """;

    static string Library(string framework, params string[] references) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup><TargetFramework>{framework}</TargetFramework></PropertyGroup>
          <ItemGroup>{string.Concat(references.Select(r => $"<ProjectReference Include=\"{r}\" />"))}</ItemGroup>
        </Project>
        """;

    static string Sln(params string[] projects) =>
        "Microsoft Visual Studio Solution File, Format Version 12.00\n"
        + string.Concat(projects.Select((p, i) =>
            $"Project(\"{{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}}\") = \"P{i}\", \"{p.Replace('/', '\\')}\", \"{{00000000-0000-0000-0000-00000000000{i}}}\"\nEndProject\n"));

    static string Net => $"net{DotnetProjects.NewestRuntimeMajor}.0";

    [Fact]
    public void Only_test_projects_and_what_they_reference_are_restored_built_and_tested()
    {
        using var ws = new TempWorkspace()
            .With("Lib.sln", Sln("src/Lib/Lib.csproj", "src/Core/Core.csproj", "tests/Lib.Tests/Lib.Tests.csproj", "samples/Demo/Demo.csproj", "legacy/Old/Old.csproj"))
            .With("src/Lib/Lib.csproj", Library("netstandard2.0", @"..\Core\Core.csproj"))
            .With("src/Core/Core.csproj", Library("netstandard2.0"))
            .With("tests/Lib.Tests/Lib.Tests.csproj", TestProject("net8.0", @"..\..\src\Lib\Lib.csproj"))
            .With("samples/Demo/Demo.csproj", Library("net8.0", "../../src/Lib/Lib.csproj"))
            .With("legacy/Old/Old.csproj", Library("net35"));

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Restore.ShouldBe("dotnet restore tests/Lib.Tests/Lib.Tests.csproj -p:NuGetAudit=false");
        commands.Build.ShouldBe("dotnet build tests/Lib.Tests/Lib.Tests.csproj --no-restore -nologo -p:NuGetAudit=false");
        commands.Test.ShouldBe("dotnet test tests/Lib.Tests/Lib.Tests.csproj --no-build -nologo --logger trx --results-directory \"$BUILDER_REPORTS_DIR\"");
        commands.Notices.ShouldBe(["not built: samples/Demo/Demo.csproj, legacy/Old/Old.csproj (no test project references them)"]);
        commands.Source.ShouldBe("detected: Lib.sln: tests/Lib.Tests/Lib.Tests.csproj");
    }

    [Fact]
    public void A_multi_target_test_project_runs_its_newest_runnable_framework_and_restores_only_that()
    {
        using var ws = new TempWorkspace()
            .With("tests/Lib.Tests/Lib.Tests.csproj", TestProject($"net8.0;{Net};net48;net8.0-android", "../../src/Lib/Lib.csproj"))
            .With("src/Lib/Lib.csproj", Library("netstandard2.0"));

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Build.ShouldBe($"dotnet build tests/Lib.Tests/Lib.Tests.csproj --no-restore -nologo -f {Net} -p:NuGetAudit=false");
        commands.Test.ShouldBe($"dotnet test tests/Lib.Tests/Lib.Tests.csproj --no-build -nologo -f {Net} --logger trx --results-directory \"$BUILDER_REPORTS_DIR\"");
        commands.Restore.ShouldNotBeNull().ShouldStartWith("builder_frameworks=\"$(mktemp --suffix=.targets)\" && cat > \"$builder_frameworks\" <<'BUILDER_FRAMEWORKS' && "
            + "dotnet restore tests/Lib.Tests/Lib.Tests.csproj -p:NuGetAudit=false -p:CustomAfterMicrosoftCommonCrossTargetingTargets=\"$builder_frameworks\"; rc=$?; rm -f \"$builder_frameworks\"; exit $rc\n<Project>\n");
        commands.Restore.ShouldContain($"EndsWith('/tests/Lib.Tests/Lib.Tests.csproj'))\">\n    <TargetFrameworks>{Net}</TargetFrameworks>");
        commands.Restore.ShouldEndWith("</Project>\nBUILDER_FRAMEWORKS");
        commands.Notices.ShouldBe([
            $"tests/Lib.Tests/Lib.Tests.csproj: tested on {Net} only; not built: net8.0 ({Net} is newer), net48 (.NET Framework), net8.0-android (OS-specific)",
        ]);
        // Outside a solution the library is reached through the test project, so it is not reported.
        commands.Notices.ShouldNotContain(n => n.Contains("src/Lib"));
    }

    [Fact]
    public void Each_test_project_gets_its_own_framework_and_one_that_cannot_run_is_skipped()
    {
        using var ws = new TempWorkspace()
            .With("App.slnx", "<Solution>\n  <Project Path=\"tests/A.Tests/A.Tests.csproj\" />\n  <Project Path=\"tests/B.Tests/B.Tests.csproj\" />\n  <Project Path=\"tests/Old.Tests/Old.Tests.csproj\" />\n</Solution>\n")
            .With("tests/A.Tests/A.Tests.csproj", TestProject("netcoreapp3.1;net6.0;net472"))
            .With("tests/B.Tests/B.Tests.csproj", TestProject("net8.0"))
            .With("tests/Old.Tests/Old.Tests.csproj", TestProject("net462;net48"));

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Test.ShouldBe("rc=0; dotnet test tests/A.Tests/A.Tests.csproj --no-build -nologo -f net6.0 --logger trx --results-directory \"$BUILDER_REPORTS_DIR\" || rc=$?; "
            + "dotnet test tests/B.Tests/B.Tests.csproj --no-build -nologo --logger trx --results-directory \"$BUILDER_REPORTS_DIR\" || rc=$?; exit $rc");
        commands.Build.ShouldNotBeNull().ShouldNotContain("Old.Tests");
        commands.Notices.ShouldBe([
            "tests/A.Tests/A.Tests.csproj: tested on net6.0 only; not built: netcoreapp3.1 (net6.0 is newer), net472 (.NET Framework)",
            "not tested: tests/Old.Tests/Old.Tests.csproj: no framework it targets runs here: net462 (.NET Framework), net48 (.NET Framework)",
        ]);
        commands.Source.ShouldBe("detected: App.slnx: tests/A.Tests/A.Tests.csproj (net6.0), tests/B.Tests/B.Tests.csproj");
    }

    [Fact]
    public void No_test_project_that_can_run_here_leaves_nothing_to_test_but_says_why()
    {
        using var ws = new TempWorkspace().With("Old.Tests/Old.Tests.csproj", TestProject("net48"));

        var commands = new DotnetToolchain().Commands(ws.Path, None);

        commands.Test.ShouldBeNull();
        commands.Restore.ShouldBeNull();
        commands.Notices.ShouldBe(["not tested: Old.Tests/Old.Tests.csproj: no framework it targets runs here: net48 (.NET Framework)"]);
    }

    [Fact]
    public void Narrowed_restore_with_local_tools_and_an_sdk_pin_is_one_valid_shell_command()
    {
        using var ws = new TempWorkspace()
            .With("global.json", """{ "sdk": { "version": "3.1.100", "rollForward": "disable" } }""")
            .With(".config/dotnet-tools.json", """{ "version": 1, "isRoot": true, "tools": {} }""")
            .With("tests/A.Tests/A.Tests.csproj", TestProject("net8.0;net48"))
            .With("tests/B.Tests/B.Tests.csproj", TestProject("net6.0;net8.0"));

        var restore = CommandDetector.Detect(ws.Path, None).Restore.ShouldNotBeNull();

        restore.ShouldStartWith("ws=\"$PWD\" && cd / && builder_frameworks=");
        restore.ShouldContain("<<'BUILDER_FRAMEWORKS' && dotnet tool restore && dotnet restore \"$ws/tests/A.Tests/A.Tests.csproj\" ");
        restore.ShouldContain("<TargetFrameworks>net8.0</TargetFrameworks>");
        restore.ShouldContain("EndsWith('/tests/B.Tests/B.Tests.csproj')");
        var syntax = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-n", "-c", restore]) { RedirectStandardError = true })!;
        syntax.WaitForExit();
        syntax.ExitCode.ShouldBe(0, syntax.StandardError.ReadToEnd());
    }

    [Fact]
    public void A_test_project_another_one_references_is_not_narrowed_at_restore()
    {
        using var ws = new TempWorkspace()
            .With("tests/Shared.Tests/Shared.Tests.csproj", TestProject("net6.0;net8.0"))
            .With("tests/App.Tests/App.Tests.csproj", TestProject("net6.0;net8.0", "../Shared.Tests/Shared.Tests.csproj"));

        var plan = DotnetTestPlan.For(ws.Path, DotnetProjects.Projects(ws.Path), null, 10);

        plan.Targets.ShouldBe([
            new DotnetTestTarget("tests/App.Tests/App.Tests.csproj", "net8.0", RestoresOnlyFramework: true, BuildsNoNetFramework: true),
            new DotnetTestTarget("tests/Shared.Tests/Shared.Tests.csproj", "net8.0", RestoresOnlyFramework: false, BuildsNoNetFramework: true),
        ]);
    }

    [Fact]
    public void Frameworks_from_an_msbuild_expression_run_as_the_project_says()
    {
        using var ws = new TempWorkspace()
            .With("Directory.Build.props", "<Project><PropertyGroup><TestFrameworks>net8.0;net48</TestFrameworks></PropertyGroup></Project>")
            .With("tests/A.Tests/A.Tests.csproj", TestProject("$(TestFrameworks)"));

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Restore.ShouldBe("dotnet restore tests/A.Tests/A.Tests.csproj -p:NuGetAudit=false");
        commands.Test.ShouldNotBeNull().ShouldNotContain(" -f ");
        commands.Notices.ShouldBeEmpty();
    }

    [Fact]
    public void Frameworks_set_in_directory_build_props_count()
    {
        using var ws = new TempWorkspace()
            .With("tests/Directory.Build.props", "<Project><PropertyGroup><TargetFrameworks>net8.0;net48</TargetFrameworks></PropertyGroup></Project>")
            .With("tests/A.Tests/A.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"xunit\" Version=\"2.9.3\" /></ItemGroup></Project>");

        CommandDetector.Detect(ws.Path, None).Test.ShouldNotBeNull().ShouldContain("tests/A.Tests/A.Tests.csproj --no-build -nologo -f net8.0 ");
    }

    [Fact]
    public void A_solution_without_test_projects_is_built_whole()
    {
        using var ws = new TempWorkspace()
            .With("App.sln", Sln("src/App/App.csproj"))
            .With("src/App/App.csproj", Library("net8.0"));

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Build.ShouldBe("dotnet build App.sln --no-restore -nologo -p:NuGetAudit=false");
        commands.Notices.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("net48;net8.0", 10, "net8.0", true)]
    [InlineData("net8.0;net11.0", 10, "net8.0", true)]
    [InlineData("net6.0;net8.0;net10.0", 10, "net10.0", true)]
    [InlineData("netcoreapp3.1;net472", 10, "netcoreapp3.1", true)]
    [InlineData("netcoreapp3.1;net6.0;net472", 10, "net6.0", true)]
    // A single framework is built and tested as the project says.
    [InlineData("net8.0", 10, null, true)]
    [InlineData("net8.0-windows;net48", 10, null, false)]
    [InlineData("net11.0", 10, null, false)]
    public void Framework_choice(string frameworks, int runtime, string? expected, bool runnable)
    {
        var choice = DotnetTestPlan.ChooseFramework(frameworks.Split(';'), runtime);

        choice.Framework.ShouldBe(expected);
        choice.Runnable.ShouldBe(runnable);
    }

    [Fact]
    public void Skipped_frameworks_say_why()
    {
        var choice = DotnetTestPlan.ChooseFramework(["netstandard2.0", "net8.0", "net11.0", "net8.0-ios", "monoandroid10.0"], 10);

        choice.Skipped.ShouldBe(["netstandard2.0 (not a runtime)", "net11.0 (newer than the installed .NET 10)", "net8.0-ios (OS-specific)", "monoandroid10.0 (not .NET (Core))"]);
    }

    [Fact]
    public void Frameworks_from_an_msbuild_expression_are_left_to_the_project() =>
        DotnetTestPlan.ChooseFramework(null, 10).ShouldBe(new DotnetFrameworkChoice(null, true, []));

    [Fact]
    public void Project_references_are_read_relative_to_the_project()
    {
        using var ws = new TempWorkspace().With("tests/A.Tests/A.Tests.csproj",
            TestProject("net8.0", @"..\..\src\A\A.csproj", "$(RepoRoot)/src/B/B.csproj", "../Helpers/Helpers.csproj"));

        DotnetProjects.Read(ws.Path, "tests/A.Tests/A.Tests.csproj").References.ShouldBe(["src/A/A.csproj", "tests/Helpers/Helpers.csproj"]);
    }
}
