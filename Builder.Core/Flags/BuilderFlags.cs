namespace Builder.Core.Flags;

/// <summary>One feature flag: its name, what it switches, and its value when neither configuration nor the tenant sets it.</summary>
public sealed record FlagDefinition(string Name, string Description, bool Default);

/// <summary>
/// The flags of the improvement cycle. Configuration (the "FeatureManagement" section) sets a flag for
/// every tenant; a tenant's own setting, made on the dashboard or through the API, wins over it.
/// </summary>
public static class BuilderFlags
{
    public const string SelfBuilding = "SelfBuilding";
    public const string TelemetryCollection = "TelemetryCollection";
    public const string AutonomousImprovements = "AutonomousImprovements";
    public const string ComponentGeneration = "ComponentGeneration";
    public const string ImprovementRollback = "ImprovementRollback";

    public static readonly IReadOnlyList<FlagDefinition> All =
    [
        new(SelfBuilding, "The master switch: improvement cycles and component generation run only while it is on.", true),
        new(TelemetryCollection, "Builder probes the tenant's live services and reads their output and metrics.", true),
        new(AutonomousImprovements, "Improvement runs deploy on their own; while off, each waits at the final gate for a person or a reviewing agent.", false),
        new(ComponentGeneration, "New services can be generated from requirements (generate_component, POST /api/components).", true),
        new(ImprovementRollback, "An improvement that makes its service worse than the version it replaced (beyond the degradation allowed) is rolled back.", true),
    ];

    public static FlagDefinition? Find(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
}
