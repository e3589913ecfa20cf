using Builder.Web.Services;

namespace Builder.Web.Components.Features;

/// <summary>The classes of the test-integrity contract a test case can fall in, as the Tests tab filters them.</summary>
public enum ContractClass
{
    FailToPass,
    NewPassing,
    PassToPass,
    Violation,
}

/// <summary>
/// Puts each test case of a run in its contract classes, from the verdict's lists. The verdict
/// names fail-to-pass, new-already-passing and violating tests but only counts pass-to-pass ones,
/// so when it counts any, a passing test in none of the named lists is taken as pass-to-pass.
/// </summary>
public sealed class TestContract
{
    readonly HashSet<string> failToPass;
    readonly HashSet<string> newPassing;
    readonly HashSet<string> violating;
    readonly bool anyPassToPass;

    public TestContract(IntegrityVerdictView? verdict)
    {
        anyPassToPass = verdict?.PassToPassCount > 0;
        failToPass = [.. verdict?.FailToPass ?? []];
        newPassing = [.. verdict?.NewPassing ?? []];
        violating = [.. verdict?.Violations.SelectMany(v => v.Tests) ?? []];
    }

    public static string Label(ContractClass contract) => contract switch
    {
        ContractClass.FailToPass => "fail-to-pass",
        ContractClass.NewPassing => "new, already passing",
        ContractClass.PassToPass => "pass-to-pass",
        _ => "violations",
    };

    public bool Is(TestCaseView test, ContractClass contract) => contract switch
    {
        ContractClass.FailToPass => Named(failToPass, test),
        ContractClass.NewPassing => Named(newPassing, test),
        ContractClass.Violation => Named(violating, test),
        _ => anyPassToPass && TestOutcomes.IsPassed(test.Outcome) && !Named(failToPass, test) && !Named(newPassing, test) && !Named(violating, test),
    };

    public IEnumerable<ContractClass> ClassesOf(TestCaseView test) => Enum.GetValues<ContractClass>().Where(c => Is(test, c));

    static bool Named(HashSet<string> names, TestCaseView test) => names.Contains(test.Id) || names.Contains(test.Name);
}

/// <summary>The outcomes a test report uses, in whatever case the test runner wrote them.</summary>
public static class TestOutcomes
{
    public static bool IsPassed(string outcome) => outcome.Equals("passed", StringComparison.OrdinalIgnoreCase);

    public static bool IsFailed(string outcome) => outcome.Equals("failed", StringComparison.OrdinalIgnoreCase);
}
