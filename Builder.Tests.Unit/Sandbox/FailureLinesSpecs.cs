using Builder.Worker.Sandbox;

namespace Builder.Tests.Unit.Sandbox;

/// <summary>A failed step's message starts with its error lines, found among warnings as real tools print them.</summary>
public class FailureLinesSpecs
{
    const string Restore = """
          Determining projects to restore...
        /usr/share/dotnet/sdk/10.0.401/Sdks/Microsoft.NET.Sdk/targets/Microsoft.NET.TargetFrameworkInference.targets(200,5): warning NETSDK1215: Targeting .NET Standard prior to 2.0 is no longer recommended. [/w/Src/Newtonsoft.Json/Newtonsoft.Json.csproj::TargetFramework=netstandard1.0]
        /w/Src/Newtonsoft.Json.Tests/Newtonsoft.Json.Tests.csproj : warning NU1603: Newtonsoft.Json.Tests depends on Autofac (>= 4.6.2) but Autofac 4.6.2 was not found. Autofac 4.8.1 was resolved instead.
        /w/Src/Newtonsoft.Json.Tests/Newtonsoft.Json.Tests.csproj : error NU1102: Unable to find package xunit.core with version (= 2.3.1)
        /w/Src/Newtonsoft.Json.Tests/Newtonsoft.Json.Tests.csproj : error NU1102:   - Found 12 version(s) in NuGet.org (v3) [ Nearest version: 2.4.0 ]
          Failed to restore /w/Src/Newtonsoft.Json.Tests/Newtonsoft.Json.Tests.csproj (in 2.1 sec).
        /w/Src/Newtonsoft.Json.Tests/Newtonsoft.Json.Tests.csproj : error NU1102: Unable to find package xunit.core with version (= 2.3.1) [/w/Src/Newtonsoft.Json.Tests/Newtonsoft.Json.Tests.csproj]
        """;

    [Fact]
    public void NuGet_errors_come_out_once_each_without_the_warnings()
    {
        var errors = FailureLines.Errors(Restore, 8);

        errors.ShouldBe([
            "/w/Src/Newtonsoft.Json.Tests/Newtonsoft.Json.Tests.csproj : error NU1102: Unable to find package xunit.core with version (= 2.3.1)",
            "/w/Src/Newtonsoft.Json.Tests/Newtonsoft.Json.Tests.csproj : error NU1102:   - Found 12 version(s) in NuGet.org (v3) [ Nearest version: 2.4.0 ]",
        ]);
    }

    [Fact]
    public void Compiler_npm_and_go_errors_are_found_and_counted_past_the_limit()
    {
        const string output = """
            src/Calc.cs(12,5): error CS1002: ; expected [/w/src/Calc/Calc.csproj]
            src/Calc.cs(13,9): error CS0103: The name 'x' does not exist in the current context [/w/src/Calc/Calc.csproj]
                0 Warning(s)
                2 Error(s)
            npm ERR! code ERESOLVE
            main.c:3:1: error: expected ';' before '}' token
            FAIL	example.com/calc	0.004s
            error[E0425]: cannot find value `x` in this scope
            """;

        var errors = FailureLines.Errors(output, 3);

        errors.ShouldBe([
            "src/Calc.cs(12,5): error CS1002: ; expected",
            "src/Calc.cs(13,9): error CS0103: The name 'x' does not exist in the current context",
            "npm ERR! code ERESOLVE",
        ]);
        FailureLines.Summary(errors, output).ShouldEndWith("(and 3 more)");
    }

    [Fact]
    public void Output_without_errors_gives_no_summary() =>
        FailureLines.Summary(FailureLines.Errors("  2 Error(s)\nBuild FAILED.\nerror count: 0", 8), "").ShouldBeNull();
}
