using System.Xml.Linq;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Reads a Visual Studio TRX report (dotnet test --logger trx): xunit, NUnit and MSTest all write it.
/// The fully qualified name comes from the test definition (class + method); the data case is what
/// the runner printed after it in the result's testName, e.g. "Ns.Class.Method(x: 1, y: \"a\")".
/// </summary>
public static class TrxReader
{
    public static IReadOnlyList<TestCaseResult> Read(string path, Func<string, string, string?>? fileOfClass = null)
    {
        var doc = ReportXml.Load(path);
        if (doc?.Root is null)
            return [];
        var ns = doc.Root.Name.Namespace;

        var definitions = doc.Root.Descendants(ns + "UnitTest")
            .Select(u => (Id: (string?)u.Attribute("id"), Method: u.Element(ns + "TestMethod")))
            .Where(d => d.Id is not null && d.Method is not null)
            .GroupBy(d => d.Id!)
            .ToDictionary(g => g.Key, g => (Class: (string?)g.First().Method!.Attribute("className") ?? "", Name: (string?)g.First().Method!.Attribute("name") ?? ""));

        var results = doc.Root.Elements(ns + "Results").Elements(ns + "UnitTestResult").SelectMany(r => Leaves(r, ns)).ToList();
        var rows = results.Select(r =>
        {
            var testName = (string?)r.Attribute("testName") ?? "";
            var (className, method) = definitions.GetValueOrDefault((string?)r.Attribute("testId") ?? "", ("", ""));
            var fqn = className.Length > 0 && method.Length > 0 ? $"{className}.{method}" : testName;
            return (Result: r, TestName: testName, ClassName: className, Method: method, Fqn: fqn);
        }).ToList();
        var perFqn = rows.GroupBy(r => r.Fqn).ToDictionary(g => g.Key, g => g.Count());

        return TestIdentity.Distinct(rows.Select(row =>
        {
            var data = DataCase(row.TestName, row.Fqn, row.Method, perFqn[row.Fqn] > 1);
            var error = row.Result.Element(ns + "Output")?.Element(ns + "ErrorInfo");
            return new TestCaseResult(TestIdentity.Of(row.Fqn, data), row.TestName, Outcome((string?)row.Result.Attribute("outcome")))
            {
                File = row.ClassName.Length > 0 ? fileOfClass?.Invoke(row.ClassName, row.Method) : null,
                Method = row.ClassName.Length > 0 && row.Method.Length > 0 ? row.Fqn : null,
                Message = ReportXml.Message((string?)error?.Element(ns + "Message")),
                DurationMs = TimeSpan.TryParse((string?)row.Result.Attribute("duration"), System.Globalization.CultureInfo.InvariantCulture, out var d)
                    ? d.TotalMilliseconds
                    : null,
            };
        }));
    }

    /// <summary>MSTest nests data rows as inner results of one parent result; the rows are the tests.</summary>
    static IEnumerable<XElement> Leaves(XElement result, XNamespace ns)
    {
        var inner = result.Element(ns + "InnerResults")?.Elements(ns + "UnitTestResult").ToList();
        return inner is { Count: > 0 } ? inner.SelectMany(i => Leaves(i, ns)) : [result];
    }

    /// <summary>
    /// What the runner printed beyond the test's name. A display name that is not built from the
    /// method's name (xunit's DisplayName) identifies nothing more than the method unless the method
    /// has several results.
    /// </summary>
    static string DataCase(string testName, string fqn, string method, bool several)
    {
        if (testName == fqn || testName == method)
            return "";
        if (testName.StartsWith(fqn, StringComparison.Ordinal))
            return testName[fqn.Length..];
        if (method.Length > 0 && testName.StartsWith(method, StringComparison.Ordinal))
            return testName[method.Length..];
        return several ? testName : "";
    }

    static TestOutcome Outcome(string? outcome) => outcome switch
    {
        "Passed" or "PassedButRunAborted" or "Completed" or "Warning" => TestOutcome.Passed,
        "Failed" or "Error" or "Timeout" or "Aborted" or "Disconnected" => TestOutcome.Failed,
        _ => TestOutcome.Skipped,
    };
}
