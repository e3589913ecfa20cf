using BenchmarkDotNet.Attributes;
using Builder.Core;
using Builder.Core.Security;
using Builder.Worker.Agent.RepoMap;
using Builder.Worker.Workspaces;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// The repository map the agent plans from, for a 20,000-file tree (<see cref="SampleTree"/>):
/// <c>Index</c> lists the commit's files with git (<see cref="RepoIndexCache"/>, its cache file
/// removed first: the first feature on a commit); <c>MapCold</c> ranks the files for a request and
/// reads and outlines its candidates (<see cref="RepoMapBuilder.Build"/> on a fresh index);
/// <c>MapWarm</c> is the same with the outlines a previous feature on the commit left in the index.
/// The budget is the plan's default map share (12,000 prompt tokens × 0.85).
/// </summary>
[MemoryDiagnoser]
public class RepoMapBenchmark
{
    const string Request = "Add a discount rule to the billing invoice service: orders over 100 get 5 percent off, shown on the invoice and in the order summary.";
    const int Budget = 10_200;

    // One tree per process, at the one mirror path all cases share.
    static readonly Guid Repository = Guid.NewGuid();
    static readonly string Data = Path.Combine(Path.GetTempPath(), $"builder-bench-map-{Guid.NewGuid():N}"[..27]);

    SampleTree _tree = null!;
    RepoIndexCache _cache = null!;
    string _cacheFile = "";
    RepoIndex _index = null!;
    RepoIndex _warm = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var options = Options.Create(new BuilderOptions { DataDirectory = Data });
        var git = new Git(new CommandRunner(NullLogger<CommandRunner>.Instance), options);
        var workspaces = new WorkspaceManager(git, options, new CredentialProtector(DataProtectionProvider.Create("Builder.Benchmarks")));
        // The cache lists files from the repository's mirror: the tree is made where the mirror would be.
        _tree = await SampleTree.GetAsync(workspaces.MirrorPath(Repository), Data);
        _cache = new RepoIndexCache(git, workspaces);
        _cacheFile = Path.Combine(_tree.Root, "builder-repomap", $"{_tree.Commit}.json");
        _index = await _cache.LoadAsync(Repository, _tree.Commit, CancellationToken.None);
        if (_index.Files.Count < SampleTree.Files)
            throw new InvalidOperationException($"The index lists {_index.Files.Count} files; the tree has {SampleTree.Files}.");
        _warm = Fresh();
        RepoMapBuilder.Build(_warm, _tree.Root, Request, Budget, out _);
        var map = RepoMapBuilder.Build(Fresh(), _tree.Root, Request, Budget, out _);
        Console.WriteLine($"// repo map: {map.TotalFiles} files in git, {map.ShownFiles} shown, {map.Tokens} tokens, {_warm.Outlines.Count} outlined");
    }

    RepoIndex Fresh() => new() { Commit = _index.Commit, Files = _index.Files };

    [Benchmark]
    public async Task<int> Index()
    {
        File.Delete(_cacheFile);
        return (await _cache.LoadAsync(Repository, _tree.Commit, CancellationToken.None)).Files.Count;
    }

    [Benchmark]
    public int MapCold() => RepoMapBuilder.Build(Fresh(), _tree.Root, Request, Budget, out _).ShownFiles;

    [Benchmark]
    public int MapWarm() => RepoMapBuilder.Build(_warm, _tree.Root, Request, Budget, out _).ShownFiles;
}
