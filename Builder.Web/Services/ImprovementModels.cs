using System.Text.Json;

namespace Builder.Web.Services;

/// <summary><c>GET /api/improvements/cycles</c>: a cycle with its notes and opportunities.</summary>
public sealed record CycleInfo(
    Guid Id, string State, string Trigger, string TriggeredBy, double AnalysisWindowHours, int MaxImprovements, List<string> Services, List<string> Notes,
    double ImpactTotal, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DurationSeconds, List<OpportunityInfo> Opportunities);

/// <param name="Decision">started, duplicate, over-limit or not-started.</param>
public sealed record OpportunityInfo(
    Guid Id, string Service, string Kind, string? Endpoint, string Summary, JsonElement Evidence, double Impact, string Decision, Guid? FeatureId,
    string? RunStatus, string? Outcome, DateTimeOffset? EndedAt);

public sealed record AlarmInfo(string Name, string Message, double? Value, double? Threshold);

/// <param name="Source">tenant, configuration or default.</param>
public sealed record FlagInfo(string Name, string Description, bool Enabled, string Source, string? UpdatedBy, DateTimeOffset? UpdatedAt);

public sealed record ServiceTelemetryInfo(string Service, double Hours, List<EndpointTelemetryInfo> Endpoints, List<SourceStateInfo> Sources, List<TelemetryPointInfo> Samples);

public sealed record EndpointTelemetryInfo(int Version, string Endpoint, int Requests, int Failures, double ErrorRatePercent, double P50Ms, double P95Ms);

public sealed record SourceStateInfo(int Version, string Source, DateTimeOffset LastReadAt, string? Error);

public sealed record TelemetrySignalInfo(string Kind, string Key, double Value, string? Example);

public sealed record TelemetryPointInfo(
    int Version, string Source, string? Endpoint, DateTimeOffset From, DateTimeOffset To, int Requests, int Failures, double P50Ms, double P95Ms, double P99Ms,
    Dictionary<string, int> Statuses, List<TelemetrySignalInfo> Signals, string? Error);
