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
}

/// <summary>Per-repository overrides of what detection finds.</summary>
public sealed record RepositorySettings
{
    public string? BuildCommand { get; init; }
    public string? TestCommand { get; init; }

    /// <summary>Globs of the paths a change may write (e.g. "src/**"); empty allows every path.</summary>
    public IReadOnlyList<string>? AllowedPaths { get; init; }

    /// <summary>Overrides Builder:Limits:MaxFileBytes for this repository.</summary>
    public int? MaxFileBytes { get; init; }

    /// <summary>Overrides Builder:Llm (provider, endpoint, model, limits) for this repository's agent runs.</summary>
    public Llm.RepositoryLlmSettings? Llm { get; init; }
}
