using System.Globalization;
using System.Xml.Linq;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>One &lt;testcase&gt; of a JUnit XML report, before a toolchain turns it into an identity.</summary>
/// <param name="Suites">The names of the enclosing &lt;testsuite&gt; elements, outermost first.</param>
public sealed record JUnitCase(
    IReadOnlyList<string> Suites,
    string ClassName,
    string Name,
    string? File,
    TestOutcome Outcome,
    string? Message,
    double? DurationMs);

/// <summary>
/// Reads JUnit XML, the lingua franca of test reports (pytest, vitest, mocha's xunit reporter, node's
/// junit reporter, Maven Surefire, gotestsum...). Flavours differ in what classname and the suites
/// mean, so the caller builds the identity.
/// </summary>
public static class JUnitReader
{
    public static IReadOnlyList<JUnitCase> Read(string path)
    {
        var root = ReportXml.Load(path)?.Root;
        if (root is null || root.Name.LocalName is not ("testsuites" or "testsuite"))
            return [];

        var cases = new List<JUnitCase>();
        Walk(root, [], cases);
        return cases;
    }

    /// <summary>Whether a file is a JUnit report (its root element), without parsing all of it.</summary>
    public static bool IsJUnit(string path)
    {
        try
        {
            using var reader = System.Xml.XmlReader.Create(path, new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Ignore, XmlResolver = null });
            return reader.MoveToContent() == System.Xml.XmlNodeType.Element && reader.LocalName is "testsuites" or "testsuite";
        }
        catch (Exception e) when (e is System.Xml.XmlException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The identity most JUnit writers imply: "classname.name" (pytest, Surefire, unittest); names with
    /// a data case ("test_add[1-2]") have it normalised.
    /// </summary>
    public static TestCaseResult ToResult(JUnitCase c, string workspace)
    {
        var (name, data) = SplitDataCase(c.Name);
        var fqn = c.ClassName.Length > 0 ? $"{c.ClassName}.{name}" : name;
        return new TestCaseResult(TestIdentity.Of(fqn, data), c.Name, c.Outcome)
        {
            File = WorkspacePaths.Relative(workspace, c.File),
            Message = c.Message,
            DurationMs = c.DurationMs,
        };
    }

    /// <summary>"test_add[1-0.1]" → ("test_add", "[1-0.1]"); "Method(x: 1)" → ("Method", "(x: 1)").</summary>
    public static (string Name, string DataCase) SplitDataCase(string name)
    {
        var open = name.IndexOfAny(['[', '(']);
        if (open <= 0 || name[^1] is not (']' or ')'))
            return (name, "");
        return (name[..open], name[open..]);
    }

    static void Walk(XElement element, IReadOnlyList<string> suites, List<JUnitCase> cases)
    {
        foreach (var child in element.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "testsuite":
                    Walk(child, [.. suites, (string?)child.Attribute("name") ?? ""], cases);
                    break;
                case "testsuites":
                    Walk(child, suites, cases);
                    break;
                case "testcase":
                    cases.Add(Case(child, suites));
                    break;
            }
        }
    }

    static JUnitCase Case(XElement testcase, IReadOnlyList<string> suites)
    {
        var failure = testcase.Elements().FirstOrDefault(e => e.Name.LocalName is "failure" or "error");
        var skipped = testcase.Elements().FirstOrDefault(e => e.Name.LocalName == "skipped");
        var outcome = failure is not null ? TestOutcome.Failed : skipped is not null ? TestOutcome.Skipped : TestOutcome.Passed;
        var message = failure is not null
            ? ReportXml.Message((string?)failure.Attribute("message") is { Length: > 0 } m ? m : failure.Value)
            : skipped is not null ? ReportXml.Message((string?)skipped.Attribute("message") ?? skipped.Value) : null;
        double? duration = double.TryParse((string?)testcase.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? seconds * 1000
            : null;

        return new JUnitCase(suites, (string?)testcase.Attribute("classname") ?? "", (string?)testcase.Attribute("name") ?? "",
            (string?)testcase.Attribute("file"), outcome, message, duration);
    }
}
