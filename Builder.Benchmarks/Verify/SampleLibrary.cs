using System.Text;

namespace Builder.Benchmarks.Verify;

/// <summary>A change to the library: its files (whole contents) and the test it adds, which fails on the base.</summary>
public sealed record SampleFeature(string Title, string Branch, string NewTest, IReadOnlyDictionary<string, string> Files)
{
    /// <summary>The feature's test files alone, as the proof on the base applies them.</summary>
    public IReadOnlyDictionary<string, string> TestFiles => Files.Where(f => f.Key.StartsWith("tests/", StringComparison.Ordinal))
        .ToDictionary(f => f.Key, f => f.Value);
}

/// <summary>
/// A .NET class library with an xunit test project of a realistic size: generated series of
/// polynomial terms, each tested by a fact and a theory of three rows (480 tests), and two small
/// hand-written areas (text and arithmetic) that the two features change. Each feature fixes a
/// behaviour and adds one test beside the unchanged ones in an existing test file.
/// </summary>
public static class SampleLibrary
{
    const int SeriesClasses = 10;
    const int TermsPerClass = 12;

    public const int GeneratedTests = SeriesClasses * TermsPerClass * 4;

    const string WordsPath = "src/Numerics/Text/Words.cs";
    const string WordsTestsPath = "tests/Numerics.Tests/Text/WordsTests.cs";
    const string ArithmeticPath = "src/Numerics/Arithmetic.cs";
    const string ArithmeticTestsPath = "tests/Numerics.Tests/ArithmeticTests.cs";

    public static IReadOnlyDictionary<string, string> Files()
    {
        var files = new Dictionary<string, string>
        {
            ["Numerics.slnx"] = """
                <Solution>
                  <Folder Name="/src/">
                    <Project Path="src/Numerics/Numerics.csproj" />
                  </Folder>
                  <Folder Name="/tests/">
                    <Project Path="tests/Numerics.Tests/Numerics.Tests.csproj" />
                  </Folder>
                </Solution>
                """,
            ["Directory.Build.props"] = """
                <Project>
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <LangVersion>latest</LangVersion>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                </Project>
                """,
            [".gitignore"] = "bin/\nobj/\nTestResults/\n",
            ["src/Numerics/Numerics.csproj"] = """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <GenerateDocumentationFile>false</GenerateDocumentationFile>
                  </PropertyGroup>
                </Project>
                """,
            ["tests/Numerics.Tests/Numerics.Tests.csproj"] = """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <IsPackable>false</IsPackable>
                    <IsTestProject>true</IsTestProject>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <PackageReference Include="xunit" Version="2.9.3" />
                    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                  </ItemGroup>
                  <ItemGroup>
                    <ProjectReference Include="../../src/Numerics/Numerics.csproj" />
                  </ItemGroup>
                  <ItemGroup>
                    <Using Include="Xunit" />
                  </ItemGroup>
                </Project>
                """,
            [WordsPath] = Words(everyWord: false),
            [WordsTestsPath] = WordsTests(withNewTest: false),
            [ArithmeticPath] = Arithmetic(neverNegative: false),
            [ArithmeticTestsPath] = ArithmeticTests(withNewTest: false),
        };
        for (var k = 0; k < SeriesClasses; k++)
        {
            files[$"src/Numerics/Series/Series{k:D2}.cs"] = Series(k);
            files[$"tests/Numerics.Tests/Series/Series{k:D2}Tests.cs"] = SeriesTests(k);
        }

        return files;
    }

    /// <summary>The first feature: capitalise every word, not only the first.</summary>
    public static SampleFeature TitleCase { get; } = new("Capitalize every word", "feature/title-case", "Capitalizes_every_word",
        new Dictionary<string, string> { [WordsPath] = Words(everyWord: true), [WordsTestsPath] = WordsTests(withNewTest: true) });

    /// <summary>The second feature, on the same base: a greatest common divisor is never negative.</summary>
    public static SampleFeature PositiveGcd { get; } = new("Greatest common divisor is never negative", "feature/positive-gcd", "Gcd_is_never_negative",
        new Dictionary<string, string> { [ArithmeticPath] = Arithmetic(neverNegative: true), [ArithmeticTestsPath] = ArithmeticTests(withNewTest: true) });

    // Coefficients vary per class and term so that no two generated methods are alike.
    static (long A, long B, long C) Coefficients(int k, int j) => (k % 5 + 1, j + 2, (k * 7 + j * 3) % 11);

    static long Term(int k, int j, long n)
    {
        var (a, b, c) = Coefficients(k, j);
        return a * n * n + b * n + c;
    }

    static string Series(int k)
    {
        var text = new StringBuilder($"namespace Numerics.Series;\n\n/// <summary>Quadratic terms of family {k}.</summary>\npublic static class Series{k:D2}\n{{\n");
        for (var j = 0; j < TermsPerClass; j++)
        {
            var (a, b, c) = Coefficients(k, j);
            text.Append($"    public static long Term{j:D2}(long n) => {a} * n * n + {b} * n + {c};\n\n");
        }

        text.Append($"    public static long Sum(long n) => Term00(n) + Term{TermsPerClass - 1:D2}(n);\n}}\n");
        return text.ToString();
    }

    static string SeriesTests(int k)
    {
        var text = new StringBuilder($"using Numerics.Series;\n\nnamespace Numerics.Tests.Series;\n\npublic class Series{k:D2}Tests\n{{\n");
        for (var j = 0; j < TermsPerClass; j++)
        {
            text.Append($"    [Fact]\n    public void Term{j:D2}_at_zero_is_its_constant() => Assert.Equal({Term(k, j, 0)}, Series{k:D2}.Term{j:D2}(0));\n\n");
            text.Append("    [Theory]\n");
            foreach (var n in new long[] { 1, 5, 12 })
                text.Append($"    [InlineData({n}, {Term(k, j, n)})]\n");
            text.Append($"    public void Term{j:D2}_grows(long n, long expected) => Assert.Equal(expected, Series{k:D2}.Term{j:D2}(n));\n\n");
        }

        return text.ToString().TrimEnd() + "\n}\n";
    }

    static string Words(bool everyWord) => everyWord
        ? """
          namespace Numerics.Text;

          public static class Words
          {
              /// <summary>Each word with an upper-case first letter.</summary>
              public static string Capitalize(string text) =>
                  string.Join(' ', text.Split(' ').Select(word => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..]));

              public static int Count(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
          }

          """
        : """
          namespace Numerics.Text;

          public static class Words
          {
              /// <summary>The text with an upper-case first letter.</summary>
              public static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

              public static int Count(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
          }

          """;

    static string WordsTests(bool withNewTest) => """
        using Numerics.Text;

        namespace Numerics.Tests.Text;

        public class WordsTests
        {
            [Fact]
            public void Capitalizes_a_word() => Assert.Equal("Hello", Words.Capitalize("hello"));

            [Fact]
            public void Leaves_empty_text_alone() => Assert.Equal("", Words.Capitalize(""));

            [Theory]
            [InlineData("one", 1)]
            [InlineData("one two", 2)]
            [InlineData("  spaced   out  ", 2)]
            public void Counts_words(string text, int expected) => Assert.Equal(expected, Words.Count(text));

        """ + (withNewTest ? """

            [Fact]
            public void Capitalizes_every_word() => Assert.Equal("Hello Big World", Words.Capitalize("hello big world"));

        """ : "") + "}\n";

    static string Arithmetic(bool neverNegative) => $$"""
        namespace Numerics;

        public static class Arithmetic
        {
            public static int Gcd(int a, int b)
            {
                while (b != 0)
                    (a, b) = (b, a % b);
                return {{(neverNegative ? "Math.Abs(a)" : "a")}};
            }

            public static int Lcm(int a, int b) => a / Gcd(a, b) * b;
        }

        """;

    static string ArithmeticTests(bool withNewTest) => """
        namespace Numerics.Tests;

        public class ArithmeticTests
        {
            [Theory]
            [InlineData(12, 18, 6)]
            [InlineData(7, 5, 1)]
            [InlineData(0, 9, 9)]
            public void Gcd_divides_both(int a, int b, int expected) => Assert.Equal(expected, Arithmetic.Gcd(a, b));

            [Fact]
            public void Lcm_is_a_multiple_of_both() => Assert.Equal(12, Arithmetic.Lcm(4, 6));

        """ + (withNewTest ? """

            [Fact]
            public void Gcd_is_never_negative() => Assert.Equal(2, Arithmetic.Gcd(4, -6));

        """ : "") + "}\n";
}
