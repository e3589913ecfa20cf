using System.Text;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// A committed tree of 20,000 files shaped like a product's monorepo: a .NET back end (src/, tests/),
/// a TypeScript front end (web/), Python tools, Markdown docs, nested four to five folders deep, and
/// bin/ and obj/ output that .gitignore keeps out of git. Made once per process: every repo-map case
/// reads the same tree.
/// </summary>
public sealed class SampleTree
{
    public const int Files = 20_000;

    static readonly string[] Areas = ["billing", "catalog", "checkout", "identity", "inventory", "invoice", "notifications", "orders", "payments", "pricing",
        "reporting", "returns", "search", "shipping", "discounts", "customers", "loyalty", "audit", "gateway", "scheduling"];

    static readonly SemaphoreSlim Gate = new(1, 1);
    static SampleTree? _made;

    public string Root { get; }
    public string Commit { get; }

    SampleTree(string root, string commit)
    {
        Root = root;
        Commit = commit;
    }

    /// <param name="root">Where to make the repository (the first call decides; later calls get the same tree).</param>
    /// <param name="removeAtExit">The folder to remove when the process ends.</param>
    public static async Task<SampleTree> GetAsync(string root, string removeAtExit)
    {
        await Gate.WaitAsync();
        try
        {
            if (_made is not null)
                return _made;
            Directory.CreateDirectory(root);
            await SampleGit.InitAsync(root);
            Write(root);
            var commit = await SampleGit.CommitAllAsync(root, "A large tree");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(removeAtExit, recursive: true);
            return _made = new SampleTree(root, commit);
        }
        finally
        {
            Gate.Release();
        }
    }

    static void Write(string root)
    {
        File.WriteAllText(Path.Combine(root, ".gitignore"), "bin/\nobj/\nnode_modules/\n__pycache__/\n");
        SampleGit.Write(root, "README.md", SampleSources.Markdown("Shop", 6));
        var written = 2;
        // 9,000 C# (7,000 classes, 2,000 tests), 5,000 TypeScript, 3,000 Python, the rest Markdown and JSON.
        for (var n = 0; written < Files; n++, written++)
        {
            var area = Areas[n % Areas.Length];
            var module = $"{Pascal(area)}{n / Areas.Length % 25}";
            var (path, content) = (n % 20) switch
            {
                < 7 => ($"src/{Pascal(area)}/{module}/Services/{module}Service{n}.cs", SampleSources.CSharpClass($"Shop.{module}", $"{module}Service{n}", 3)),
                < 9 => ($"tests/{Pascal(area)}.Tests/{module}/{module}Service{n}Tests.cs", SampleSources.CSharpTests($"Shop.{module}", $"{module}Service{n}", 3)),
                < 14 => ($"web/src/app/{area}/{module.ToLowerInvariant()}/{area}-part-{n}.ts", SampleSources.TypeScript($"{module}Part{n}", 3)),
                < 17 => ($"tools/{area}/{module.ToLowerInvariant()}/job_{n}.py", SampleSources.Python($"Job{n}", 3)),
                < 19 => ($"docs/{area}/{module.ToLowerInvariant()}/note-{n}.md", SampleSources.Markdown($"{module} note {n}", 3)),
                _ => ($"config/{area}/{module.ToLowerInvariant()}/settings-{n}.json", $"{{ \"area\": \"{area}\", \"module\": \"{module}\", \"n\": {n} }}\n"),
            };
            SampleGit.Write(root, path, content);
        }

        // Build output git never sees: what a walk of the disk would trip over.
        var junk = new string('x', 2048);
        for (var i = 0; i < 1000; i++)
        {
            var area = Pascal(Areas[i % Areas.Length]);
            SampleGit.Write(root, $"src/{area}/bin/Release/net10.0/{area}.Part{i}.dll", junk);
            SampleGit.Write(root, $"src/{area}/obj/Release/net10.0/{area}.Part{i}.g.cs", junk);
        }
    }

    static string Pascal(string word) => new StringBuilder(word).Replace(word[0], char.ToUpperInvariant(word[0]), 0, 1).ToString();
}
