using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Tests.Toolchains;

public class TestIdentityTests
{
    [Theory]
    // Round-trip digits (xunit's R vs G17 formatting of doubles).
    [InlineData("(x: 0.10000000000000001)", "(x: 0.1)")]
    [InlineData("(z: 9.9999999999999995E-08)", "(z: 1E-07)")]
    [InlineData("(z: 1e-7)", "(z: 1E-07)")]
    [InlineData("[2.50]", "[2.5]")]
    // Object addresses and identity hashes change from run to run.
    [InlineData("[<tests.Obj object at 0x7f3a2b1c9d10>]", "[<tests.Obj object at 0x7f00aa11bb22>]")]
    [InlineData("(o: com.acme.Thing@1b6d3586)", "(o: com.acme.Thing@4554617c)")]
    [InlineData("(id: 0f8fad5b-d9cb-469f-a165-70867728950e)", "(id: 7c9e6679-7425-40de-944b-e07fc1f90ae7)")]
    // Whitespace.
    [InlineData("( a,  b )", "(a, b)")]
    [InlineData("(a,\n\tb)", "(a, b)")]
    public void Printing_differences_keep_the_data_case(string before, string after) =>
        TestIdentity.Normalize(before).ShouldBe(TestIdentity.Normalize(after));

    [Theory]
    [InlineData("(x: 1)", "(x: 2)")]
    [InlineData("(v: \"1.2.3\")", "(v: \"1.2.4\")")]
    [InlineData("[a-0.1]", "[a-0.2]")]
    [InlineData("(name: \"x1.5y\")", "(name: \"x1.6y\")")]
    public void Different_arguments_stay_different(string one, string other) =>
        TestIdentity.Normalize(one).ShouldNotBe(TestIdentity.Normalize(other));

    [Fact]
    public void Versions_and_identifiers_are_not_read_as_numbers()
    {
        TestIdentity.Normalize("(v: \"1.2.3\")").ShouldBe("(v: \"1.2.3\")");
        TestIdentity.Normalize("(name: \"x1.5y\")").ShouldBe("(name: \"x1.5y\")");
    }

    [Fact]
    public void An_id_is_the_name_plus_the_normalised_data_case()
    {
        TestIdentity.Of("Ns.C.M", "").ShouldBe("Ns.C.M");
        TestIdentity.Of("Ns.C.M", "(x: 0.10000000000000001, y: \"a\")").ShouldBe("Ns.C.M(x: 0.1, y: \"a\")");
        TestIdentity.Of("tests.test_a.test_f", "[1-0.1]").ShouldBe("tests.test_a.test_f[1-0.1]");
        TestIdentity.Of("Ns.C.M", " (1,2)").ShouldBe("Ns.C.M(1,2)");
    }

    [Fact]
    public void Results_that_end_up_with_one_id_are_numbered_not_dropped()
    {
        var results = TestIdentity.Distinct(
        [
            new TestCaseResult("t[<addr>]", "t[0x1111]", TestOutcome.Passed),
            new TestCaseResult("t[<addr>]", "t[0x2222]", TestOutcome.Failed),
            new TestCaseResult("u", "u", TestOutcome.Passed),
        ]);

        results.Select(r => r.Id).ShouldBe(["t[<addr>]", "t[<addr>] #2", "u"]);
    }

    [Fact]
    public void A_test_reported_by_several_reports_fails_if_any_failed_it()
    {
        var merged = TestIdentity.Merge(
        [
            [new TestCaseResult("a", "a", TestOutcome.Passed), new TestCaseResult("b", "b", TestOutcome.Skipped)],
            [new TestCaseResult("a", "a", TestOutcome.Failed) { Message = "net8.0 only" }, new TestCaseResult("b", "b", TestOutcome.Passed)],
        ]);

        merged.Count.ShouldBe(2);
        merged[0].Outcome.ShouldBe(TestOutcome.Failed);
        merged[0].Message.ShouldBe("net8.0 only");
        merged[1].Outcome.ShouldBe(TestOutcome.Passed);
    }
}
