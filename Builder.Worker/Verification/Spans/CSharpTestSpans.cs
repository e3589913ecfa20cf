using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Builder.Worker.Verification.Spans;

/// <summary>
/// C# tests from Roslyn's syntax tree: methods carrying a test attribute (xunit, NUnit, MSTest and
/// their common extensions). A theory's own source includes the members its data attributes name
/// (MemberData, TestCaseSource, ClassData, DynamicData) when they are declared in the same file.
/// </summary>
public sealed class CSharpTestSpans : ITestSpanFinder
{
    static readonly string[] TestAttributeWords = ["Fact", "Theory", "Test", "TestCase", "TestMethod", "DataTestMethod", "Property"];
    static readonly string[] DataAttributes = ["MemberData", "ClassData", "TestCaseSource", "ValueSource", "DynamicData", "MethodData"];

    public bool Handles(string path) => path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase);

    public IReadOnlyList<TestSpan> Find(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();
        var members = root.DescendantNodes().OfType<MemberDeclarationSyntax>().ToList();
        var spans = new List<TestSpan>();
        foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            var attributes = method.AttributeLists.SelectMany(l => l.Attributes).ToList();
            if (!attributes.Any(a => IsTestAttribute(Name(a))))
                continue;

            var container = method.Ancestors().OfType<TypeDeclarationSyntax>().FirstOrDefault()?.Identifier.Text;
            var text = method.ToString();
            foreach (var fed in attributes.Where(a => DataAttributes.Contains(Name(a))).SelectMany(NamedMembers).Distinct())
            {
                foreach (var member in members.Where(m => DeclaredName(m) == fed))
                    text += "\n" + member.ToString();
            }

            var lines = method.SyntaxTree.GetLineSpan(method.Span);
            var name = method.Identifier.Text;
            spans.Add(new TestSpan(container is null ? name : $"{container}.{name}", container, name,
                lines.StartLinePosition.Line + 1, lines.EndLinePosition.Line + 1, TestSpanFinders.Normalize(text)));
        }

        return TestSpanFinders.Numbered(spans);
    }

    static string Name(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.Text,
            AliasQualifiedNameSyntax a => a.Name.Identifier.Text,
            SimpleNameSyntax s => s.Identifier.Text,
            _ => attribute.Name.ToString(),
        };
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name[..^"Attribute".Length] : name;
    }

    /// <summary>Fact, Theory, Test, SkippableFact, UITestMethod, ...: the test frameworks and the extensions built on them.</summary>
    static bool IsTestAttribute(string name) =>
        TestAttributeWords.Any(w => name == w || name.EndsWith(w, StringComparison.Ordinal) && name.Length > w.Length && char.IsUpper(name[^w.Length]));

    /// <summary>The members a data attribute names: nameof(Cases), "Cases", typeof(CasesClass).</summary>
    static IEnumerable<string> NamedMembers(AttributeSyntax attribute)
    {
        foreach (var argument in attribute.ArgumentList?.Arguments ?? [])
        {
            switch (argument.Expression)
            {
                case InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "nameof" } } nameOf
                    when nameOf.ArgumentList.Arguments.FirstOrDefault()?.Expression is { } inner:
                    yield return inner.ToString().Split('.')[^1];
                    break;
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                    yield return literal.Token.ValueText;
                    break;
                case TypeOfExpressionSyntax typeOf:
                    yield return typeOf.Type.ToString().Split('.')[^1].Split('<')[0];
                    break;
            }
        }
    }

    static string? DeclaredName(MemberDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        PropertyDeclarationSyntax p => p.Identifier.Text,
        FieldDeclarationSyntax f => f.Declaration.Variables.FirstOrDefault()?.Identifier.Text,
        BaseTypeDeclarationSyntax t => t.Identifier.Text,
        _ => null,
    };
}
