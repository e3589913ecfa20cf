using System.IO.Compression;
using Builder.Core.Domain;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Tests.Toolchains;

/// <summary>A real xunit project, restored from NuGet, built and tested with the detected commands.</summary>
public class DotnetRunTests
{
    [Fact]
    public async Task Xunit_project_for_an_older_dotnet_runs_and_reports_per_test()
    {
        using var ws = new TempWorkspace()
            .With("Calc.Tests/Calc.Tests.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <!-- Older than the installed runtime: the test host rolls forward. -->
                    <TargetFramework>net8.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <PackageReference Include="xunit" Version="2.9.3" />
                    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                  </ItemGroup>
                </Project>
                """)
            .With("Calc.Tests/CalcTests.cs", """
                using Xunit;

                namespace Calc.Tests;

                public class CalcTests
                {
                    [Fact]
                    public void Adds() => Assert.Equal(4, 2 + 2);

                    [Fact]
                    public void Fails() => Assert.Equal(5, 2 + 2);

                    [Theory]
                    [InlineData(0.1)]
                    public void Positive(double value) => Assert.True(value > 0);
                }
                """);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Toolchain.ShouldBe("dotnet");
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.TestExit.ShouldNotBe(0);
        run.Results.Count.ShouldBe(3, run.Output);
        run.Test("Calc.Tests.CalcTests.Adds").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Passed),
            r => r.File.ShouldBe("Calc.Tests/CalcTests.cs"));
        run.Test("Calc.Tests.CalcTests.Fails").ShouldSatisfyAllConditions(
            r => r.Outcome.ShouldBe(TestOutcome.Failed),
            r => r.Message.ShouldNotBeNull().ShouldContain("Expected: 5"));
        run.Test("Calc.Tests.CalcTests.Positive(value: 0.1)").Outcome.ShouldBe(TestOutcome.Passed);
    }

    /// <summary>
    /// Shaped like a real library: a solution that also holds a sample whose package is nowhere to be
    /// had, a library for several frameworks (.NET Framework 4.7 among them, whose reference pack the
    /// package source lacks), and tests for .NET and .NET Framework, with a package
    /// only the .NET Framework build asks for (which is not to be had either). An SDK pin the machine
    /// does not satisfy sends the commands outside the repository too.
    /// </summary>
    [Fact]
    public async Task Library_solution_with_a_sample_and_net_framework_tests_runs_what_the_tests_need()
    {
        using var ws = new TempWorkspace()
            .With("global.json", """{ "sdk": { "version": "8.0.100", "rollForward": "disable" } }""")
            .With("Directory.Build.props", """
                <Project>
                  <PropertyGroup>
                    <LangVersion>latest</LangVersion>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                </Project>
                """)
            .With("Lib.sln", """
                Microsoft Visual Studio Solution File, Format Version 12.00
                Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Lib", "src\Lib\Lib.csproj", "{11111111-1111-1111-1111-111111111111}"
                EndProject
                Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Lib.Specs", "tests\Lib.Specs\Lib.Specs.csproj", "{44444444-4444-4444-4444-444444444444}"
                EndProject
                Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Lib.Tests", "tests\Lib.Tests\Lib.Tests.csproj", "{22222222-2222-2222-2222-222222222222}"
                EndProject
                Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Demo", "samples\Demo\Demo.csproj", "{33333333-3333-3333-3333-333333333333}"
                EndProject
                """)
            .With("src/Lib/Lib.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFrameworks>netstandard2.0;net47;net8.0</TargetFrameworks></PropertyGroup>
                </Project>
                """)
            .With("src/Lib/Calc.cs", """
                namespace Lib;

                public static class Calc
                {
                    public static int Add(int a, int b) => a + b;

                #if NET8_0_OR_GREATER
                    public static string Build => "net8.0";
                #else
                    public static string Build => "netstandard2.0";
                #endif
                }
                """)
            .With("tests/Lib.Tests/Lib.Tests.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFrameworks>net8.0;net48</TargetFrameworks></PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <PackageReference Include="xunit" Version="2.9.3" />
                    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                  </ItemGroup>
                  <ItemGroup Condition="'$(TargetFramework)' == 'net48'">
                    <PackageReference Include="Builder.Fixture.NetFrameworkOnly" Version="0.0.1" />
                  </ItemGroup>
                  <ItemGroup><ProjectReference Include="..\..\src\Lib\Lib.csproj" /></ItemGroup>
                </Project>
                """)
            .With("tests/Lib.Tests/CalcTests.cs", """
                using Xunit;

                namespace Lib.Tests;

                public class CalcTests
                {
                    [Theory]
                    [InlineData(1, 2, 3)]
                    [InlineData(2, 2, 4)]
                    public void Adds(int a, int b, int sum) => Assert.Equal(sum, Calc.Add(a, b));

                    // The library's own nearest framework is built for the test project's.
                    [Fact]
                    public void Uses_the_net8_build_of_the_library() => Assert.Equal("net8.0", Calc.Build);
                }
                """)
            // A second test project, tested first, whose failure does not stop the other.
            .With("tests/Lib.Specs/Lib.Specs.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <PackageReference Include="xunit" Version="2.9.3" />
                    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                  </ItemGroup>
                  <ItemGroup><ProjectReference Include="../../src/Lib/Lib.csproj" /></ItemGroup>
                </Project>
                """)
            .With("tests/Lib.Specs/CalcSpecs.cs", """
                using Xunit;

                namespace Lib.Specs;

                public class CalcSpecs
                {
                    [Fact]
                    public void Adds_wrongly() => Assert.Equal(5, Calc.Add(2, 2));
                }
                """)
            .With("samples/Demo/Demo.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net8.0</TargetFramework><OutputType>Exe</OutputType></PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Builder.Fixture.SampleOnly" Version="0.0.1" />
                    <ProjectReference Include="..\..\src\Lib\Lib.csproj" />
                  </ItemGroup>
                </Project>
                """)
            .With("samples/Demo/Program.cs", "System.Console.WriteLine(Lib.Calc.Add(1, 2));\n");

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        commands.Notices.ShouldBe([
            "tests/Lib.Tests/Lib.Tests.csproj: tested on net8.0 only; not built: net48 (.NET Framework)",
            "not built: samples/Demo/Demo.csproj (no test project references it)",
        ]);
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.TestExit.ShouldNotBe(0, run.Output);
        // One report per test project, both read.
        Directory.GetFiles(ws.Reports, "*.trx", SearchOption.AllDirectories).Length.ShouldBe(2);
        run.Test("Lib.Specs.CalcSpecs.Adds_wrongly").Outcome.ShouldBe(TestOutcome.Failed);
        run.Ids().ShouldBe(ToolchainRunResult.Ids(
            "Lib.Specs.CalcSpecs.Adds_wrongly",
            "Lib.Tests.CalcTests.Adds(a: 1, b: 2, sum: 3)",
            "Lib.Tests.CalcTests.Adds(a: 2, b: 2, sum: 4)",
            "Lib.Tests.CalcTests.Uses_the_net8_build_of_the_library"), run.Output);
        run.Results.Where(r => r.Id.StartsWith("Lib.Tests.", StringComparison.Ordinal))
            .ShouldAllBe(r => r.Outcome == TestOutcome.Passed && r.File == "tests/Lib.Tests/CalcTests.cs");
        run.Output.ShouldNotContain("Demo.csproj");
        File.Exists(Path.Combine(ws.Path, "samples/Demo/obj/project.assets.json")).ShouldBeFalse();
    }

    /// <summary>
    /// A package source that lacks a version and resolves upward, so a farther dependency then needs
    /// more than a nearer one asks for (NU1605, "package downgrade", which the SDK always makes an
    /// error): as HtmlSanitizer's SourceLink packages did on this machine's registry. The repository's
    /// own NoWarn still applies, and it still treats warnings as errors.
    /// </summary>
    [Fact]
    public async Task A_package_downgrade_caused_by_the_registry_resolving_upward_does_not_fail_the_restore()
    {
        using var ws = new TempWorkspace()
            .With("NuGet.config", """
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="fixtures" value="fixture-packages" />
                  </packageSources>
                </configuration>
                """)
            .With("Lib.Tests/Lib.Tests.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net8.0</TargetFramework>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <NoWarn>$(NoWarn);NU1603;CS0618</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <PackageReference Include="xunit" Version="2.9.3" />
                    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                    <PackageReference Include="Builder.Fixture.Downgrade.Link" Version="1.0.0" PrivateAssets="all" />
                  </ItemGroup>
                </Project>
                """)
            .With("Lib.Tests/ObsoleteTests.cs", """
                using Xunit;

                namespace Lib.Tests;

                public class ObsoleteTests
                {
                    [System.Obsolete("the repository's own NoWarn keeps this from failing the build")]
                    static int Old() => 4;

                    [Fact]
                    public void Adds() => Assert.Equal(4, Old());
                }
                """);
        var feed = Directory.CreateDirectory(Path.Combine(ws.Path, "fixture-packages")).FullName;
        // Link 1.0.0 -> Hashing >= 10.0.10 (nearer) and -> Tasks >= 10.0.301, of which only 10.0.303 is
        // there, which needs Hashing >= 10.0.11 (farther): the nearer one wins, a downgrade.
        Package(feed, "Builder.Fixture.Downgrade.Link", "1.0.0", ("Builder.Fixture.Downgrade.Hashing", "10.0.10"), ("Builder.Fixture.Downgrade.Tasks", "10.0.301"));
        Package(feed, "Builder.Fixture.Downgrade.Tasks", "10.0.303", ("Builder.Fixture.Downgrade.Hashing", "10.0.11"));
        Package(feed, "Builder.Fixture.Downgrade.Hashing", "10.0.10");
        Package(feed, "Builder.Fixture.Downgrade.Hashing", "10.0.11");

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings());
        var run = await ToolchainRunner.RunAsync(ws, commands);

        run.RestoreExit.ShouldBe(0, run.Output);
        run.Output.ShouldNotContain("error NU1605");
        run.TestExit.ShouldBe(0, run.Output);
        run.Test("Lib.Tests.ObsoleteTests.Adds").Outcome.ShouldBe(TestOutcome.Passed);
    }

    /// <summary>A package with nothing in it but its dependencies, as a .nupkg in a folder source.</summary>
    static void Package(string feed, string id, string version, params (string Id, string Version)[] dependencies)
    {
        using var package = ZipFile.Open(Path.Combine(feed, $"{id}.{version}.nupkg".ToLowerInvariant()), ZipArchiveMode.Create);
        using var nuspec = new StreamWriter(package.CreateEntry($"{id}.nuspec").Open());
        var listed = string.Concat(dependencies.Select(d => $"""<dependency id="{d.Id}" version="{d.Version}" />"""));
        nuspec.Write($"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{id}</id>
                <version>{version}</version>
                <authors>Builder</authors>
                <description>A test fixture.</description>
                <dependencies><group targetFramework="netstandard2.0">{listed}</group></dependencies>
              </metadata>
            </package>
            """);
    }
}
