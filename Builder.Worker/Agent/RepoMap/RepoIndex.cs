using System.Text.Json;
using Builder.Worker.Workspaces;

namespace Builder.Worker.Agent.RepoMap;

public sealed record RepoFile(string Path, long Size);

/// <summary>
/// What Builder knows about one commit of a repository, independent of any request: its file list
/// (from git's tree, never by walking the disk) and the outlines of the files some map needed so far.
/// Kept as a file in the repository's mirror, keyed by commit, so a second feature on the same
/// commit reads none of it again.
/// </summary>
public sealed class RepoIndex
{
    public required string Commit { get; init; }
    public required List<RepoFile> Files { get; init; }
    public Dictionary<string, List<Symbol>> Outlines { get; init; } = new(StringComparer.Ordinal);
}

public sealed class RepoIndexCache(Git git, WorkspaceManager workspaces)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    readonly SemaphoreSlim _writes = new(1, 1);

    string PathOf(Guid repositoryId, string commit) => Path.Combine(workspaces.MirrorPath(repositoryId), "builder-repomap", $"{commit}.json");

    public async Task<RepoIndex> LoadAsync(Guid repositoryId, string commit, CancellationToken cancellationToken)
    {
        var file = PathOf(repositoryId, commit);
        if (File.Exists(file))
        {
            try
            {
                await using var stream = File.OpenRead(file);
                if (await JsonSerializer.DeserializeAsync<RepoIndex>(stream, Json, cancellationToken) is { } cached && cached.Commit == commit)
                    return cached;
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                // A torn or foreign file is rebuilt below.
            }
        }

        var tree = await git.RunAsync(workspaces.MirrorPath(repositoryId), ["ls-tree", "-r", "-l", "--full-tree", commit], cancellationToken);
        var files = new List<RepoFile>();
        foreach (var line in tree.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // <mode> SP <type> SP <object> SP+ <size> TAB <path>
            var tab = line.IndexOf('\t');
            if (tab < 0)
                continue;
            var meta = line[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (meta.Length < 4 || meta[1] != "blob" || meta[0] == "120000")
                continue;
            files.Add(new RepoFile(Unquote(line[(tab + 1)..]), long.TryParse(meta[3], out var size) ? size : 0));
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var index = new RepoIndex { Commit = commit, Files = files };
        await SaveAsync(repositoryId, index, cancellationToken);
        return index;
    }

    public async Task SaveAsync(Guid repositoryId, RepoIndex index, CancellationToken cancellationToken)
    {
        var file = PathOf(repositoryId, index.Commit);
        await _writes.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = $"{file}.{Guid.NewGuid():N}.tmp";
            await using (var stream = File.Create(temp))
                await JsonSerializer.SerializeAsync(stream, index, Json, cancellationToken);
            File.Move(temp, file, overwrite: true);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>git quotes paths with unusual characters ("a\tb"); such files are rare and kept as git shows them, minus the quotes.</summary>
    static string Unquote(string path) => path.Length > 1 && path[0] == '"' && path[^1] == '"' ? path[1..^1] : path;
}
