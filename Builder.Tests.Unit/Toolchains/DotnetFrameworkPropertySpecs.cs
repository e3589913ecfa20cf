using Builder.Worker.Toolchains;

namespace Builder.Tests.Unit.Toolchains;

/// <summary>Target frameworks as MSBuild evaluates them here, for the conditions real libraries write.</summary>
public class DotnetFrameworkPropertySpecs
{
    static string Project(string properties) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          {properties}
          <ItemGroup><PackageReference Include="xunit" /></ItemGroup>
        </Project>
        """;

    [Fact]
    public void An_unconditional_list_is_read_as_it_is() =>
        DotnetFrameworkProperty.Evaluate(Project("<PropertyGroup><TargetFrameworks>net8.0; net10.0</TargetFrameworks></PropertyGroup>"))
            .ShouldBe(["net8.0", "net10.0"]);

    [Fact]
    public void Windows_only_frameworks_are_not_targets_on_linux() =>
        // YamlDotNet.Test
        DotnetFrameworkProperty.Evaluate(Project("""
            <PropertyGroup>
              <TargetFrameworks Condition="$([MSBuild]::IsOSPlatform('Windows'))">net10.0;net8.0;net4.7</TargetFrameworks>
              <TargetFrameworks Condition="!$([MSBuild]::IsOSPlatform('Windows'))">net10.0;net8.0</TargetFrameworks>
            </PropertyGroup>
            """)).ShouldBe(["net10.0", "net8.0"]);

    [Fact]
    public void A_list_extended_on_windows_keeps_its_base() =>
        // CliWrap.Tests
        DotnetFrameworkProperty.Evaluate(Project("""
            <PropertyGroup>
              <TargetFrameworks>net9.0</TargetFrameworks>
              <TargetFrameworks Condition="$([MSBuild]::IsOsPlatform('Windows'))">$(TargetFrameworks);net48</TargetFrameworks>
            </PropertyGroup>
            """)).ShouldBe(["net9.0"]);

    [Fact]
    public void A_property_nobody_sets_is_empty() =>
        // Newtonsoft.Json.Tests
        DotnetFrameworkProperty.Evaluate(Project("""
            <PropertyGroup>
              <TargetFrameworks Condition="'$(TestFrameworks)'==''">net46;net40;net35;net20;net8.0;net10.0</TargetFrameworks>
              <TargetFrameworks Condition="'$(TestFrameworks)'!=''">$(TestFrameworks)</TargetFrameworks>
              <LangVersion>9.0</LangVersion>
            </PropertyGroup>
            """)).ShouldBe(["net46", "net40", "net35", "net20", "net8.0", "net10.0"]);

    [Fact]
    public void Conditions_on_the_property_group_and_joined_ones_count_too()
    {
        DotnetFrameworkProperty.Evaluate(Project("""
            <PropertyGroup Condition="'$(OS)' == 'Windows_NT'"><TargetFrameworks>net48;net8.0</TargetFrameworks></PropertyGroup>
            <PropertyGroup Condition="'$(OS)' != 'Windows_NT' And '$(Legacy)' == ''"><TargetFrameworks>net8.0</TargetFrameworks></PropertyGroup>
            """)).ShouldBe(["net8.0"]);
        DotnetFrameworkProperty.Evaluate("(!$([MSBuild]::IsOSPlatform('Windows')) or '$(Ci)' == 'true')", new HashSet<string>()).ShouldBe(true);
    }

    [Fact]
    public void What_depends_on_a_property_the_files_set_or_on_an_expression_is_left_to_msbuild()
    {
        DotnetFrameworkProperty.Evaluate(Project("""
            <PropertyGroup>
              <Legacy>true</Legacy>
              <TargetFrameworks Condition="'$(Legacy)' == 'true'">net48</TargetFrameworks>
            </PropertyGroup>
            """)).ShouldBeNull();
        DotnetFrameworkProperty.Evaluate(Project("<PropertyGroup><TargetFrameworks>$(LibraryFrameworks)</TargetFrameworks></PropertyGroup>")).ShouldBeNull();
        DotnetFrameworkProperty.Evaluate(Project("""<PropertyGroup><TargetFramework Condition="Exists('x.props')">net8.0</TargetFramework></PropertyGroup>""")).ShouldBeNull();
    }

    [Fact]
    public void A_value_from_directory_build_props_is_overridden_by_the_project()
    {
        var props = "<Project><PropertyGroup><TargetFrameworks>netstandard2.0;net8.0</TargetFrameworks></PropertyGroup></Project>";
        DotnetFrameworkProperty.Evaluate(props, Project("")).ShouldBe(["netstandard2.0", "net8.0"]);
        DotnetFrameworkProperty.Evaluate(props, Project("<PropertyGroup><TargetFramework>net10.0</TargetFramework><TargetFrameworks /></PropertyGroup>"))
            .ShouldBe(["net10.0"]);
    }

    [Fact]
    public void A_file_that_is_not_xml_falls_back_to_its_first_unconditional_value() =>
        DotnetFrameworkProperty.Evaluate("<Project><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup><Broken></Project>")
            .ShouldBe(["net8.0"]);
}
