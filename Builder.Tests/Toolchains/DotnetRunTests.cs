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
}
