using Microsoft.Extensions.FileSystemGlobbing;

namespace Builder.Core.Domain;

/// <summary>
/// A unit of work an external agent prepares before it becomes a feature run: what it is about,
/// which paths it may touch (its scope), and the draft it accumulates over several uploads. Applying
/// it submits one feature run with the draft; after that the task is frozen.
/// </summary>
public sealed class BuilderTask
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public Guid RepositoryId { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }

    /// <summary>The branch the change is based on and proposed for; null means the repository's default branch.</summary>
    public string? TargetBranch { get; set; }

    /// <summary>Paths or globs ("src/reports/**", "README.md") every draft file must match.</summary>
    public IReadOnlyList<string> Scope { get; set; } = [];

    /// <summary>The agent's own plan, free text; it travels into the feature's description.</summary>
    public string? Plan { get; set; }

    /// <summary>The accumulated draft, one entry per path (a later upload of a path replaces it).</summary>
    public IReadOnlyList<DraftFile> Draft { get; set; } = [];

    public required string CreatedBy { get; set; }
    public Guid? CreatedByKeyId { get; set; }
    public Guid? FeatureId { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>Optimistic concurrency: two uploads at once must not lose each other's files.</summary>
    public int Version { get; set; }

    public bool InScope(string path) => InScope(path, Scope);

    public static bool InScope(string path, IReadOnlyList<string> scope)
    {
        if (scope.Count == 0)
            return false;
        var matcher = new Matcher(StringComparison.Ordinal);
        // A bare directory ("src/reports" or "src/reports/") means everything below it.
        foreach (var entry in scope)
        {
            matcher.AddInclude(entry);
            if (!entry.Contains('*') && !entry.Contains('?'))
                matcher.AddInclude(entry.TrimEnd('/') + "/**");
        }

        return matcher.Match(path).HasMatches;
    }
}
