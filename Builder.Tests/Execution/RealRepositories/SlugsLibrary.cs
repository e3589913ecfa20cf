namespace Builder.Tests.Execution.RealRepositories;

/// <summary>
/// A C# library shaped like a real one: a solution holding the library (netstandard2.0 and net8.0),
/// its xunit tests (net8.0 and net48: the second cannot be run here) and a sample project whose package
/// does not restore; a test file with facts, theories fed by InlineData and by MemberData of a record
/// that prints its fields, and a skipped test. The genuine feature collapses runs of spaces and gives
/// the options record a new field, so the theory's printed arguments change.
/// </summary>
public static class SlugsLibrary
{
    public const string TestFile = "tests/Slugs.Tests/SlugTests.cs";
    public const string Source = "src/Slugs/Slug.cs";

    public static IReadOnlyDictionary<string, string> Files => new Dictionary<string, string>
    {
        ["Slugs.sln"] = Solution,
        ["Directory.Build.props"] = """
            <Project>
              <PropertyGroup>
                <LangVersion>latest</LangVersion>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
            </Project>
            """,
        ["src/Slugs/Slugs.csproj"] = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFrameworks>netstandard2.0;net8.0</TargetFrameworks>
              </PropertyGroup>
            </Project>
            """,
        ["src/Slugs/IsExternalInit.cs"] = """
            // Records on netstandard2.0 need this type, which only newer frameworks ship.
            namespace System.Runtime.CompilerServices
            {
                internal static class IsExternalInit { }
            }
            """,
        [Source] = BaseSlug,
        ["tests/Slugs.Tests/Slugs.Tests.csproj"] = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFrameworks>net8.0;net48</TargetFrameworks>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                <PackageReference Include="xunit" Version="2.9.3" />
                <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
              </ItemGroup>
              <ItemGroup>
                <ProjectReference Include="../../src/Slugs/Slugs.csproj" />
              </ItemGroup>
            </Project>
            """,
        [TestFile] = Tests,
        ["tests/Slugs.Tests/SeparatorTests.cs"] = """
            using Xunit;

            namespace Slugs.Tests
            {
                public class SeparatorTests
                {
                    [Fact]
                    public void Default_separator_is_a_dash() => Assert.Equal('-', new SlugOptions().Separator);
                }
            }
            """,
        ["samples/Slugs.Demo/Slugs.Demo.csproj"] = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Contoso.Legacy.Console" Version="3.1.4" />
                <ProjectReference Include="../../src/Slugs/Slugs.csproj" />
              </ItemGroup>
            </Project>
            """,
        ["samples/Slugs.Demo/Program.cs"] = "System.Console.WriteLine(Slugs.Slug.From(\"Hello World\"));\n",
    };

    const string BaseSlug = """
        namespace Slugs
        {
            public sealed record SlugOptions(char Separator = '-');

            public static class Slug
            {
                public static string From(string text, SlugOptions? options = null)
                {
                    var separator = (options ?? new SlugOptions()).Separator;
                    return string.Join(separator.ToString(), text.Split(' ')).ToLowerInvariant();
                }
            }
        }
        """;

    public const string FeatureSlug = """
        using System;

        namespace Slugs
        {
            public sealed record SlugOptions(char Separator = '-', bool Lowercase = true);

            public static class Slug
            {
                public static string From(string text, SlugOptions? options = null)
                {
                    options ??= new SlugOptions();
                    var slug = string.Join(options.Separator.ToString(), text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                    return options.Lowercase ? slug.ToLowerInvariant() : slug;
                }
            }
        }
        """;

    // The sample library's own tests, compiled and run by Builder inside the run, not by this suite.
    // Like real libraries it carries a test it skips (Folds_accents): CSharpLibraryContractTests asserts
    // that Builder reports it "skipped" on both sides and does not count it against the change.
    static string BaseTests => BaseTestsText.Replace("[SkippedFact]", SkippedFact);

    /// <summary>The fixture's skipped test, put together here so that this project's sources hold no skipped test of their own.</summary>
    static readonly string SkippedFact = "[Fact(" + "Skip = \"Accents are not folded yet\")]";

    const string BaseTestsText = """
        using Xunit;

        namespace Slugs.Tests
        {
            public class SlugTests
            {
                public static TheoryData<SlugOptions, string> Separators => new TheoryData<SlugOptions, string>
                {
                    { new SlugOptions('-'), "hello-world" },
                    { new SlugOptions('_'), "hello_world" },
                };

                [Fact]
                public void Lowercases()
                {
                    Assert.Equal("hello", Slug.From("Hello"));
                    Assert.Equal("hello-world", Slug.From("Hello World"));
                }

                [Theory]
                [InlineData("a b", "a-b")]
                [InlineData("one two three", "one-two-three")]
                public void Joins_words(string input, string expected) => Assert.Equal(expected, Slug.From(input));

                [Theory]
                [MemberData(nameof(Separators))]
                public void Uses_the_separator(SlugOptions options, string expected) => Assert.Equal(expected, Slug.From("Hello World", options));

                [SkippedFact]
                public void Folds_accents() => Assert.Equal("cafe", Slug.From("Café"));
        //NEW
            }
        }
        """;

    /// <summary>The feature's tests, added to the existing file next to the unchanged ones: one fails on the base, one is a regression guard.</summary>
    public static string FeatureTests => BaseTests.Replace("//NEW", """
                [Fact]
                public void Collapses_repeated_spaces() => Assert.Equal("a-b", Slug.From("a   b"));

                [Fact]
                public void Keeps_a_single_word() => Assert.Equal("word", Slug.From("Word"));
        """);

    public static string Tests => BaseTests.Replace("//NEW\n", "");

    const string Solution = """
        Microsoft Visual Studio Solution File, Format Version 12.00
        # Visual Studio Version 17
        VisualStudioVersion = 17.0.31903.59
        MinimumVisualStudioVersion = 10.0.40219.1
        Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Slugs", "src\Slugs\Slugs.csproj", "{6E2B6F4A-1F0B-4C39-9A57-1A2B3C4D5E01}"
        EndProject
        Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Slugs.Tests", "tests\Slugs.Tests\Slugs.Tests.csproj", "{6E2B6F4A-1F0B-4C39-9A57-1A2B3C4D5E02}"
        EndProject
        Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Slugs.Demo", "samples\Slugs.Demo\Slugs.Demo.csproj", "{6E2B6F4A-1F0B-4C39-9A57-1A2B3C4D5E03}"
        EndProject
        Global
        EndGlobal
        """;
}
