namespace Builder.Core.Domain;

/// <summary>
/// Another program that drives Builder (a coding agent, a bot, a script), registered in a tenant.
/// It acts through API keys that point at it, so what it does is recorded as <see cref="Actor"/>.
/// </summary>
public sealed class Agent
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Version { get; set; }

    /// <summary>The actor that registered it.</summary>
    public required string RegisteredBy { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    public string Actor => ActorName(Name, Version);

    public static string ActorName(string name, string version) => $"agent:{name}@{version}";
}
