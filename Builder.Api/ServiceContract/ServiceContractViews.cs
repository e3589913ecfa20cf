using System.Text.Json;

namespace Builder.Api.ServiceContract;

/// <summary>What Builder can do and within which limits: GET /capabilities.</summary>
public sealed record Capabilities(
    string Service, string Version, IReadOnlyList<string> Features, IReadOnlyList<string> Dependencies, IReadOnlyList<string> Toolchains,
    IReadOnlyList<string> DeployTargets, IReadOnlyList<string> MessageActions, CapabilityLimits Limits, string? ModelProvider);

public sealed record CapabilityLimits(int MaxConcurrentRunsPerWorker, int MaxDraftFiles, long MaxFileBytes);

/// <summary>GET /state: the process's uptime and traffic, and the caller's runs today (UTC).</summary>
public sealed record ServiceState(
    double UptimeSeconds, long RequestsTotal, long ErrorsLastHour, DateTimeOffset LastRestart, int ActiveRuns, int QueuedRuns,
    int CompletedToday, int FailedToday);

/// <summary>GET /dependencies: required ones decide whether Builder works; optional ones only narrow what it can do.</summary>
public sealed record DependencyReport(IReadOnlyList<DependencyStatus> Required, IReadOnlyList<DependencyStatus> Optional, IReadOnlyList<string> Missing);

/// <param name="Status">available, unavailable or not configured.</param>
public sealed record DependencyStatus(string Name, string Status, string? Detail);

/// <summary>
/// POST /message: a command envelope. MessageType is "command"; Payload.action is build (the payload is a
/// feature request as POST /api/features takes it, under "feature"), status or cancel (with "featureId").
/// </summary>
public sealed record MessageEnvelope(Guid? TraceId, string? Source, string? Target, string? MessageType, JsonElement? Payload, DateTimeOffset? Timestamp);

/// <summary>The answer to a message: the trace id it carried, the action done, and that action's own answer.</summary>
public sealed record MessageAcknowledged(Guid TraceId, string Action, int Status, object? Result);
