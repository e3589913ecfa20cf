using BenchmarkDotNet.Attributes;
using Builder.Api.Features;
using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// The checks an external agent's draft goes through: <c>Validate</c> is the Api's draft validation
/// before anything is stored (paths, allowed paths, sizes, secrets, modes, duplicates) and
/// <c>WeakenedTests</c> is Verify's test-integrity reading of the draft's test files against the
/// base (each test found in both, its assertions counted: a test that lost one is refused). The
/// draft: 40 files, about 360 KB, 8 of them xunit test files of 30 tests, 2 tests weakened in each.
/// </summary>
[MemoryDiagnoser]
public class DraftPolicyBenchmark
{
    DraftRequest _draft = null!;
    Dictionary<string, string> _testsBefore = null!;
    Dictionary<string, string> _testsAfter = null!;

    readonly RepositorySettings _settings = new() { AllowedPaths = ["src/**", "tests/**", "web/**", "docs/**", "tools/**"] };
    readonly LimitOptions _limits = new();

    public int DraftBytes => _draft.Files!.Sum(f => f.Content!.Length);

    [GlobalSetup]
    public void Setup()
    {
        var files = new List<DraftFileRequest>();
        for (var i = 0; i < 24; i++)
            files.Add(new($"src/Billing/Service{i}.cs", DraftFileMode.Replace, SampleSources.CSharpClass("Shop.Billing", $"Service{i}", 25)));
        _testsBefore = [];
        _testsAfter = [];
        for (var i = 0; i < 8; i++)
        {
            var path = $"tests/Billing/Service{i}Tests.cs";
            _testsBefore[path] = SampleSources.CSharpTests("Shop.Billing", $"Service{i}", 30);
            _testsAfter[path] = SampleSources.CSharpTests("Shop.Billing", $"Service{i}", 30, weakened: 2);
            files.Add(new(path, DraftFileMode.Replace, _testsAfter[path]));
        }

        for (var i = 0; i < 4; i++)
            files.Add(new($"web/src/app/billing-{i}.service.ts", DraftFileMode.Add, SampleSources.TypeScript($"Billing{i}Service", 25)));
        for (var i = 0; i < 2; i++)
            files.Add(new($"tools/report_{i}.py", DraftFileMode.Replace, SampleSources.Python($"Report{i}", 25)));
        for (var i = 0; i < 2; i++)
            files.Add(new($"docs/billing-{i}.md", DraftFileMode.Replace, SampleSources.Markdown($"Billing {i}", 20)));
        _draft = new DraftRequest(files);
        Console.WriteLine($"// draft: {files.Count} files, {DraftBytes / 1024} KB");
    }

    [Benchmark]
    public int Validate()
    {
        var validation = new Validation();
        var accepted = DraftValidation.Validate(_draft, _settings, _limits, validation, noModel: null);
        if (!validation.IsValid)
            throw new InvalidOperationException("The sample draft must pass the policy, or the benchmark measures a refusal.");
        return accepted.Count;
    }

    [Benchmark]
    public async Task<int> WeakenedTests()
    {
        var sources = await TestSourceChanges.ReadAsync(_testsAfter.Keys,
            path => Task.FromResult(_testsBefore.GetValueOrDefault(path)),
            path => Task.FromResult(_testsAfter.GetValueOrDefault(path)));
        var weakened = sources.Weakened();
        if (weakened.Count != 16)
            throw new InvalidOperationException($"Expected 16 weakened tests, found {weakened.Count}.");
        return weakened.Count;
    }
}
