namespace Builder.Core.Domain;

/// <summary>A git repository registered with Builder, in one tenant.</summary>
public sealed class Repository
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public required string Name { get; set; }

    /// <summary>Any URL git understands: a local path, file://, or https. Never holds credentials.</summary>
    public required string Url { get; set; }

    public required string DefaultBranch { get; set; }

    /// <summary>The access token, encrypted with ASP.NET Core Data Protection. Write-only through the API.</summary>
    public string? ProtectedToken { get; set; }

    public RepositorySettings Settings { get; set; } = new();
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>Set when an admin removed it: gone from lists and lookups, its runs archived; its history stays.</summary>
    public DateTime? RemovedAt { get; set; }
}

/// <summary>Per-repository overrides of what detection finds.</summary>
public sealed record RepositorySettings
{
    /// <summary>dotnet, node, python, go or make: skips detection.</summary>
    public string? Toolchain { get; init; }

    /// <summary>Replaces the detected dependency restore; an empty string means "nothing to restore".</summary>
    public string? RestoreCommand { get; init; }

    /// <summary>Replaces the detected build; an empty string means "nothing to build".</summary>
    public string? BuildCommand { get; init; }

    /// <summary>Replaces the detected test command. It should write its report into $BUILDER_REPORTS_DIR.</summary>
    public string? TestCommand { get; init; }

    /// <summary>Globs of the paths a change may write (e.g. "src/**"); empty allows every path.</summary>
    public IReadOnlyList<string>? AllowedPaths { get; init; }

    /// <summary>Overrides Builder:Limits:MaxFileBytes for this repository.</summary>
    public int? MaxFileBytes { get; init; }

    /// <summary>Overrides Builder:Llm (provider, endpoint, model, limits) for this repository's agent runs.</summary>
    public Llm.RepositoryLlmSettings? Llm { get; init; }

    /// <summary>.NET: the target framework to test (e.g. "net8.0") when projects target several.</summary>
    public string? TargetFramework { get; init; }

    /// <summary>Variables for restore, build and test; they win over the toolchain's own.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Extra test reports to read, as globs relative to the repository root (e.g. "out/**/TEST-*.xml").</summary>
    public IReadOnlyList<string>? TestReportPaths { get; init; }

    /// <summary>Hosts this repository's restore may reach besides its toolchain's package registries ("host", "host:port", "*.domain").</summary>
    public IReadOnlyList<string>? Egress { get; init; }

    /// <summary>Approving reviews from agents other than the author that open the release gate, as an alternative to a person's approval.</summary>
    public int RequiredReviews { get; init; }
}
