using System.Text;
using Builder.Worker.Verification;

namespace Builder.Tests.Verification;

public sealed class DiffAnalysisSpecs
{
    const string Diff = """
        diff --git a/src/calc.py b/src/calc.py
        index 1111111..2222222 100644
        --- a/src/calc.py
        +++ b/src/calc.py
        @@ -1,2 +1,4 @@
         def add(a, b):
             return a + b
        +def mul(a, b):
        +    return a * b
        diff --git a/tests/test_calc.py b/tests/test_calc.py
        index 3333333..4444444 100644
        --- a/tests/test_calc.py
        +++ b/tests/test_calc.py
        @@ -1,4 +1,3 @@
         def test_add():
        -    assert add(1, 2) == 3
        -    assert add(0, 0) == 0
        +    assert add(1, 2) == 3
        diff --git a/tests/test_new.py b/tests/test_new.py
        new file mode 100644
        --- /dev/null
        +++ b/tests/test_new.py
        @@ -0,0 +1,2 @@
        +def test_mul():
        +    assert mul(2, 3) == 6
        """;

    static bool IsTest(string path) => path.StartsWith("tests/");

    [Fact]
    public void Parsing_a_diff_finds_each_file_and_whether_it_is_new()
    {
        var files = DiffAnalysis.Parse(Encoding.UTF8.GetBytes(Diff));
        files.Select(f => f.Path).ShouldBe(["src/calc.py", "tests/test_calc.py", "tests/test_new.py"]);
        files[2].Added.ShouldBeTrue();
        files[0].AddedLines.Count.ShouldBe(2);
    }

    [Fact]
    public void An_assertion_dropped_from_an_existing_test_is_reported_and_a_kept_one_is_not()
    {
        var removed = DiffAnalysis.RemovedAssertions(DiffAnalysis.Parse(Encoding.UTF8.GetBytes(Diff)), IsTest);
        var assertion = removed.ShouldHaveSingleItem();
        assertion.File.ShouldBe("tests/test_calc.py");
        assertion.Text.ShouldBe("assert add(0, 0) == 0");
    }

    [Theory]
    [InlineData("        Assert.Equal(4, calc.Add(2, 2));", true)]
    [InlineData("    result.ShouldBe(4);", true)]
    [InlineData("  expect(sum(1, 2)).toBe(3);", true)]
    [InlineData("    self.assertEqual(a, b)", true)]
    [InlineData("\tif got != 4 { t.Errorf(\"got %d\", got) }", true)]
    [InlineData("    var total = Add(2, 2);", false)]
    [InlineData("    // Assert.Equal(1, 1);", false)]
    public void Assertions_are_recognised_across_languages(string line, bool expected) =>
        DiffAnalysis.IsAssertion(line).ShouldBe(expected);
}
