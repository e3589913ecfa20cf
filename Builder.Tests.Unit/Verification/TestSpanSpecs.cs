using Builder.Worker.Verification;
using Builder.Worker.Verification.Spans;

namespace Builder.Tests.Verification;

/// <summary>Finding each test in its source file, per language, and deciding per test what a change touched.</summary>
public sealed class TestSpanSpecs
{
    const string CSharpBefore = """
        using Xunit;

        namespace Lib.Tests;

        public class SlugTests
        {
            public static TheoryData<SlugOptions, string> Options => new()
            {
                { new SlugOptions('-'), "a-b" },
            };

            [Fact]
            public void Lowercases() => Assert.Equal("ab", Slug.From("AB"));

            [Theory]
            [InlineData("a b", "a-b")]
            public void Replaces_spaces(string input, string expected)
            {
                Assert.Equal(expected, Slug.From(input));
            }

            [Theory, MemberData(nameof(Options))]
            public void Uses_the_separator(SlugOptions options, string expected) => Assert.Equal(expected, Slug.From("a b", options));

            public class Nested
            {
                [Xunit.FactAttribute]
                public void Inner() { Assert.Equal("a", Slug.From("A")); Assert.NotEmpty(Slug.From("b")); }
            }

            void Helper() { }
        }
        """;

    [Fact]
    public void CSharp_tests_are_methods_with_a_test_attribute_keyed_by_their_class()
    {
        var spans = new CSharpTestSpans().Find(CSharpBefore);
        spans.Select(s => s.Key).ShouldBe(["SlugTests.Lowercases", "SlugTests.Replaces_spaces", "SlugTests.Uses_the_separator", "Nested.Inner"]);
        var theory = spans.Single(s => s.Name == "Replaces_spaces");
        theory.StartLine.ShouldBe(15);
        theory.EndLine.ShouldBe(20);
        // The member feeding a theory is part of its source.
        spans.Single(s => s.Name == "Uses_the_separator").Source.ShouldContain("new SlugOptions('-')");
    }

    [Fact]
    public void A_test_added_next_to_unchanged_ones_is_the_only_changed_test()
    {
        var after = CSharpBefore.Replace("    void Helper() { }", """
                [Fact]
                public void Collapses_repeated_spaces() => Assert.Equal("a-b", Slug.From("a  b"));

                void Helper() { }
            """);
        var changes = Changes("tests/SlugTests.cs", CSharpBefore, after);
        IsChanged(changes, "Lib.Tests.SlugTests.Collapses_repeated_spaces", "tests/SlugTests.cs").ShouldBeTrue();
        IsChanged(changes, "Lib.Tests.SlugTests.Lowercases", "tests/SlugTests.cs").ShouldBeFalse();
        IsChanged(changes, "Lib.Tests.SlugTests.Uses_the_separator", "tests/SlugTests.cs").ShouldBeFalse();
        IsChanged(changes, "Lib.Tests.SlugTests+Nested.Inner", "tests/SlugTests.cs").ShouldBeFalse();
        changes.Weakened().ShouldBeEmpty();
    }

    [Fact]
    public void A_new_data_row_changes_its_theory_and_a_new_member_data_row_changes_the_theory_it_feeds()
    {
        var after = CSharpBefore
            .Replace("    [InlineData(\"a b\", \"a-b\")]", "    [InlineData(\"a b\", \"a-b\")]\n    [InlineData(\"a\\tb\", \"a-b\")]")
            .Replace("        { new SlugOptions('-'), \"a-b\" },", "        { new SlugOptions('-'), \"a-b\" },\n        { new SlugOptions('_'), \"a_b\" },");
        var changes = Changes("tests/SlugTests.cs", CSharpBefore, after);
        IsChanged(changes, "Lib.Tests.SlugTests.Replaces_spaces", "tests/SlugTests.cs").ShouldBeTrue();
        IsChanged(changes, "Lib.Tests.SlugTests.Uses_the_separator", "tests/SlugTests.cs").ShouldBeTrue();
        IsChanged(changes, "Lib.Tests.SlugTests.Lowercases", "tests/SlugTests.cs").ShouldBeFalse();
    }

    [Fact]
    public void Re_indenting_a_test_does_not_change_it_but_dropping_an_assertion_weakens_it()
    {
        var after = CSharpBefore
            .Replace("public void Lowercases() => Assert", "public void Lowercases() =>\n            Assert")
            .Replace("{ Assert.Equal(\"a\", Slug.From(\"A\")); Assert.NotEmpty(Slug.From(\"b\")); }", "{\n Assert.Equal(\"a\", Slug.From(\"A\"));\n }");
        var changes = Changes("tests/SlugTests.cs", CSharpBefore, after);
        IsChanged(changes, "Lib.Tests.SlugTests.Lowercases", "tests/SlugTests.cs").ShouldBeFalse();
        var weakened = changes.Weakened().ShouldHaveSingleItem();
        weakened.Test.ShouldBe("Nested.Inner");
        weakened.RemovedAssertions.ShouldBe(["Assert.NotEmpty(Slug.From(\"b\"))"]);
    }

    [Fact]
    public void Python_tests_include_their_decorators_and_end_with_their_indentation()
    {
        const string source = """
            import pytest


            @pytest.mark.parametrize("a,b", [
                (1, 2),
                (2, 3),
            ])
            def test_inc(a, b):
                assert a + 1 == b


            class TestCalc:
                def test_add(self):
                    assert 1 + 1 == 2

                def helper(self):
                    return 1

                async def test_async(self):
                    assert True
            """;
        var spans = new PythonTestSpans().Find(source);
        spans.Select(s => s.Key).ShouldBe(["test_inc", "TestCalc.test_add", "TestCalc.test_async"]);
        spans[0].StartLine.ShouldBe(4);
        spans[0].EndLine.ShouldBe(9);
        spans[1].EndLine.ShouldBe(14);
    }

    [Fact]
    public void Go_tests_run_from_their_func_to_the_closing_brace()
    {
        const string source = "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal(\"no\")\n\t}\n}\n\nfunc helper() {}\n\nfunc TestSub(t *testing.T) { t.Log(\"x\") }\n";
        var spans = new GoTestSpans().Find(source);
        spans.Select(s => (s.Key, s.StartLine, s.EndLine)).ShouldBe([("TestAdd", 5, 9), ("TestSub", 13, 13)]);
    }

    const string ScriptBefore = """
        import { describe, it, expect, test } from 'vitest';
        import { parse } from '../src/args';

        // it('commented out', () => {})
        const pattern = /it\(/g;
        describe('parse', () => {
          it('reads flags', () => {
            expect(parse(['--a'])).toEqual({ a: true });
          });

          it(`reads ${'values'}`, () => {
            const text = ')';
            expect(parse(['--a=1'])).toEqual({ a: '1' });
          });

          describe.each([[1], [2]])('numbers %i', (n) => {
            test('is positive', () => expect(n > 0).toBe(true));
          });
        });

        test.each`
          a    | b
          ${1} | ${2}
        `('adds $a', ({ a, b }) => {
          expect(a + 1).toBe(b);
        });
        """;

    [Fact]
    public void Script_tests_are_keyed_by_their_describe_titles_and_ignore_strings_comments_and_regexes()
    {
        var spans = new ScriptTestSpans().Find(ScriptBefore);
        spans.Select(s => s.Key).ShouldBe(["parse > reads flags", "parse > reads ${'values'}", "parse > numbers %i > is positive", "adds $a"]);
        spans[0].StartLine.ShouldBe(7);
        spans[0].EndLine.ShouldBe(9);
        spans[1].EndLine.ShouldBe(14);
        spans[3].StartLine.ShouldBe(21);
        spans[3].EndLine.ShouldBe(26);
    }

    [Fact]
    public void A_script_test_is_found_by_the_line_its_runner_reports_or_by_its_title()
    {
        var after = ScriptBefore.Replace("  describe.each", """
              it('reads short flags', () => {
                expect(parse(['-a'])).toEqual({ a: true });
              });

              describe.each
            """.TrimEnd().Replace("\n    ", "\n"));
        var changes = Changes("test/args.test.ts", ScriptBefore, after);
        Script(changes, "parse > reads short flags", line: 16).ShouldBeTrue();
        Script(changes, "parse > reads flags", line: 7).ShouldBeFalse();
        Script(changes, "parse > reads flags", line: null).ShouldBeFalse();
        Script(changes, "parse > numbers 1 > is positive", line: 21).ShouldBeFalse();
        Script(changes, "adds 1", line: 25).ShouldBeFalse();
    }

    [Fact]
    public void A_file_in_a_language_without_a_finder_counts_whole()
    {
        var changes = Changes("spec/calc_spec.rb", "it 'adds' do\nend\n", "it 'adds' do\nend\nit 'subs' do\nend\n");
        IsChanged(changes, "calc adds", "spec/calc_spec.rb").ShouldBeTrue();
        IsChanged(changes, "elsewhere", "spec/other_spec.rb").ShouldBeFalse();
    }

    static TestSourceChanges Changes(string path, string before, string after) =>
        TestSourceChanges.ReadAsync([path], _ => Task.FromResult<string?>(before), _ => Task.FromResult<string?>(after)).GetAwaiter().GetResult();

    static bool IsChanged(TestSourceChanges changes, string method, string file) =>
        changes.IsChanged(new TestCaseResult(method, method, TestOutcome.Passed) { File = file, Method = method });

    static bool Script(TestSourceChanges changes, string name, int? line) =>
        changes.IsChanged(new TestCaseResult($"test/args.test.ts > {name}", name, TestOutcome.Passed) { File = "test/args.test.ts", Line = line });
}
