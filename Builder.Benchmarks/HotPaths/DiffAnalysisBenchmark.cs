using BenchmarkDotNet.Attributes;
using Builder.Worker.Verification;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// Verify's reading of a change's diff (<see cref="DiffAnalysis"/>): <c>Parse</c> splits git's
/// unified diff into files and their added and removed lines; <c>RemovedAssertions</c> also finds the
/// assertions removed from existing test files, the per-file rule of the test-integrity contract.
/// The diff comes from git: 150 classes changed in two places, 40 test files (10 lose assertions, 30
/// gain tests), 40 new classes, 5 files deleted: about 1.5 MB.
/// </summary>
[MemoryDiagnoser]
public class DiffAnalysisBenchmark
{
    byte[] _diff = [];
    string _folder = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"builder-bench-diff-{Guid.NewGuid():N}"[..28])).FullName;
        var repository = Directory.CreateDirectory(Path.Combine(_folder, "repo")).FullName;
        await SampleGit.InitAsync(repository);
        for (var i = 0; i < 150; i++)
            SampleGit.Write(repository, $"src/Shop/Module{i % 10}/Service{i}.cs", SampleSources.CSharpClass($"Shop.Module{i % 10}", $"Service{i}", 20));
        for (var i = 0; i < 40; i++)
            SampleGit.Write(repository, $"tests/Shop.Tests/Service{i}Tests.cs", SampleSources.CSharpTests("Shop", $"Service{i}", 30));
        for (var i = 0; i < 10; i++)
            SampleGit.Write(repository, $"web/src/app/part-{i}.ts", SampleSources.TypeScript($"Part{i}", 20));
        var before = await SampleGit.CommitAllAsync(repository, "Base");

        for (var i = 0; i < 150; i++)
            SampleGit.Write(repository, $"src/Shop/Module{i % 10}/Service{i}.cs", SampleSources.CSharpClass($"Shop.Module{i % 10}.Core", $"Service{i}", 24));
        for (var i = 0; i < 40; i++)
            SampleGit.Write(repository, $"tests/Shop.Tests/Service{i}Tests.cs",
                i < 10 ? SampleSources.CSharpTests("Shop", $"Service{i}", 30, weakened: 3) : SampleSources.CSharpTests("Shop", $"Service{i}", 32));
        for (var i = 0; i < 40; i++)
            SampleGit.Write(repository, $"src/Shop/Reports/Report{i}.cs", SampleSources.CSharpClass("Shop.Reports", $"Report{i}", 60));
        for (var i = 0; i < 5; i++)
            File.Delete(Path.Combine(repository, $"web/src/app/part-{i}.ts"));
        var after = await SampleGit.CommitAllAsync(repository, "Change");
        _diff = await SampleGit.DiffAsync(repository, before, after);
        Console.WriteLine($"// diff: {_diff.Length / 1024} KB");
    }

    static bool IsTest(string path) => path.StartsWith("tests/", StringComparison.Ordinal);

    [Benchmark]
    public int Parse() => DiffAnalysis.Parse(_diff).Count;

    [Benchmark]
    public int RemovedAssertions()
    {
        var removed = DiffAnalysis.RemovedAssertions(DiffAnalysis.Parse(_diff), IsTest);
        if (removed.Count != 30)
            throw new InvalidOperationException($"Expected 30 removed assertions, found {removed.Count}.");
        return removed.Count;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);
}
