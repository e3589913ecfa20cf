using System.Text;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// Source files of the kinds Builder's repositories hold, generated from a number so every run of a
/// benchmark sees the same bytes: C# classes and their xunit tests, TypeScript, Python and Markdown.
/// Each method body is a few lines of ordinary code; a file's size grows with its member count.
/// </summary>
public static class SampleSources
{
    public static string CSharpClass(string ns, string name, int members)
    {
        var text = new StringBuilder($"using System;\nusing System.Collections.Generic;\nusing System.Linq;\n\nnamespace {ns};\n\n/// <summary>{name}: generated for a benchmark.</summary>\npublic sealed class {name}\n{{\n    readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);\n\n");
        for (var i = 0; i < members; i++)
            text.Append($"    /// <summary>Adds the weight of item {i} and returns the new total.</summary>\n" +
                        $"    public int Accumulate{i}(IEnumerable<string> items, int weight)\n    {{\n" +
                        $"        var total = 0;\n        foreach (var item in items.Where(x => x.Length > {i % 7}))\n        {{\n" +
                        $"            _counts[item] = _counts.TryGetValue(item, out var n) ? n + weight : weight;\n            total += _counts[item];\n        }}\n\n" +
                        $"        return total + {i};\n    }}\n\n");
        return text.Append("}\n").ToString();
    }

    /// <summary>An xunit test class with <paramref name="tests"/> facts of three assertions each; <paramref name="weakened"/> of them lose one.</summary>
    public static string CSharpTests(string ns, string name, int tests, int weakened = 0)
    {
        var text = new StringBuilder($"using Xunit;\n\nnamespace {ns}.Tests;\n\npublic class {name}Tests\n{{\n");
        for (var i = 0; i < tests; i++)
        {
            text.Append($"    [Fact]\n    public void Accumulate{i}_adds_the_weight()\n    {{\n        var subject = new {name}();\n" +
                        $"        var total = subject.Accumulate{i}([\"alpha\", \"beta\", \"gamma\"], 2);\n" +
                        $"        Assert.True(total > 0);\n        Assert.Equal({i} + 6, total);\n");
            if (i >= weakened)
                text.Append($"        Assert.NotEqual({i}, total);\n");
            text.Append("    }\n\n");
        }

        return text.Append("}\n").ToString();
    }

    public static string TypeScript(string name, int members)
    {
        var text = new StringBuilder($"import {{ Injectable }} from '@angular/core';\n\nexport interface {name}Options {{\n  retries: number;\n  label: string;\n}}\n\n@Injectable()\nexport class {name} {{\n");
        for (var i = 0; i < members; i++)
            text.Append($"  handle{i}(values: number[], options: {name}Options): number {{\n    const kept = values.filter(v => v > {i});\n" +
                        $"    return kept.reduce((sum, v) => sum + v * options.retries, 0);\n  }}\n\n");
        return text.Append("}\n").ToString();
    }

    public static string Python(string name, int members)
    {
        var text = new StringBuilder($"\"\"\"{name}: generated for a benchmark.\"\"\"\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass {name}:\n    label: str\n\n");
        for (var i = 0; i < members; i++)
            text.Append($"    def measure_{i}(self, values):\n        kept = [v for v in values if v > {i}]\n        return sum(kept) + len(self.label)\n\n");
        return text.ToString();
    }

    public static string Markdown(string title, int sections)
    {
        var text = new StringBuilder($"# {title}\n\n");
        for (var i = 0; i < sections; i++)
            text.Append($"## Section {i}\n\nHow the {title} part {i} behaves, what it reads and what it writes; see the code for details.\n\n");
        return text.ToString();
    }
}
