using Builder.Tests.Agent.Scripted;
using Builder.Tests.Support;

namespace Builder.Tests.Agent;

/// <summary>The agent on a .NET repository: one xunit project holding the code and its tests, built and tested for real.</summary>
public sealed class DotnetAgentTests(AgentBuilder builder) : IClassFixture<AgentBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    const string Parser = """
        using System.Globalization;

        namespace Calc;

        public static class Parser
        {
            /// <summary>Parses a whole number written with invariant digits.</summary>
            public static int ParseNumber(string text) => int.Parse(text, CultureInfo.InvariantCulture);
        }

        """;

    const string ThousandsTest = """
        using Xunit;

        namespace Calc.Tests;

        public class ThousandsTests
        {
            [Fact]
            public void ParseNumber_accepts_thousands_separators() => Assert.Equal(1234567, Parser.ParseNumber("1,234,567"));
        }

        """;

    /// <summary>A library and its test project: the test-integrity contract replays only the test project's files on the base.</summary>
    static TestRepository Sample() => TestRepository.Create(new Dictionary<string, string>
    {
        ["README.md"] = "# Calc\n\nNumber parsing.\n",
        ["Calc.slnx"] = """
            <Solution>
              <Project Path="Calc/Calc.csproj" />
              <Project Path="Calc.Tests/Calc.Tests.csproj" />
            </Solution>

            """,
        ["Calc/Calc.csproj"] = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
            </Project>

            """,
        ["Calc/Parser.cs"] = Parser,
        ["Calc.Tests/Calc.Tests.csproj"] = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                <PackageReference Include="xunit" Version="2.9.3" />
                <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
              </ItemGroup>
              <ItemGroup>
                <ProjectReference Include="../Calc/Calc.csproj" />
              </ItemGroup>
            </Project>

            """,
        ["Calc.Tests/ParserTests.cs"] = """
            using Xunit;

            namespace Calc.Tests;

            public class ParserTests
            {
                [Fact]
                public void ParseNumber_reads_plain_digits() => Assert.Equal(12, Parser.ParseNumber("12"));
            }

            """,
    });

    [Fact]
    public async Task A_request_without_a_draft_runs_to_Completed_on_a_dotnet_repository()
    {
        await using var model = await ScriptedModel.StartAsync();
        model.Planner(
                Turn.Tools(new("list_files", new { glob = "**/*.cs" }), new("outline_file", new { path = "Calc/Parser.cs" })),
                Turn.From(request =>
                {
                    request.LastMessage.ShouldContain("method ParseNumber");
                    return Turn.Json(new
                    {
                        summary = "Let ParseNumber accept thousands separators, with a test.",
                        steps = new[] { "Allow thousands separators in Parser.ParseNumber", "Add ThousandsTests" },
                        files = new object[] { new { path = "Calc/Parser.cs", action = "modify" }, new { path = "Calc.Tests/ThousandsTests.cs", action = "add" } },
                        tests = new[] { new { path = "Calc.Tests/ThousandsTests.cs", description = "1,234,567 parses; fails while separators are rejected" } },
                        risks = Array.Empty<string>(),
                    });
                }))
            .Engineer(
                Turn.Tool("read_file", new { path = "Calc/Parser.cs" }),
                Turn.Tools(
                    new("apply_edit", new
                    {
                        path = "Calc/Parser.cs",
                        search = "int.Parse(text, CultureInfo.InvariantCulture)",
                        replace = "int.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)",
                    }),
                    new("write_file", new { path = "Calc.Tests/ThousandsTests.cs", content = ThousandsTest })),
                Turn.Json(new { summary = "ParseNumber accepts thousands separators.", edits = Array.Empty<object>() }));
        using var repository = Sample();
        var repositoryId = await _api.RegisterAsync(repository, model.OpenAiEndpoint);

        var id = await _api.RequestAsync(repositoryId, "Thousands separators", "Parser.ParseNumber must accept thousands separators, as in 1,234,567.");
        var feature = await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(5));

        feature["status"]!.GetValue<string>().ShouldBe("Completed", await _api.DescribeAsync(id));
        model.Problems.ShouldBeEmpty();
        var branch = feature["branch"]!.GetValue<string>();
        repository.Show(branch, "Calc/Parser.cs").ShouldContain("NumberStyles.AllowThousands");
        repository.Show(branch, "Calc.Tests/ThousandsTests.cs").ShouldBe(ThousandsTest);
        var plan = await _api.ArtifactJsonAsync(id, "plan.json");
        plan["toolchain"]!.GetValue<string>().ShouldBe("dotnet");
        var testLog = await _api.Http.GetStringAsync($"/api/features/{id}/artifacts/test.log");
        testLog.ShouldContain("Passed!");
        var verified = (await _api.EventsOfAsync(id, "verification.passed")).Single()["payload"]!.ToJsonString();
        verified.ShouldContain("ParseNumber_accepts_thousands_separators", Case.Sensitive, "the new test fails on the base and passes with the change");
        (await _api.EventsOfAsync(id, "repository.analyzed")).Single()["payload"]!["languages"]![0]!["language"]!.GetValue<string>().ShouldBe("C#");
    }
}
