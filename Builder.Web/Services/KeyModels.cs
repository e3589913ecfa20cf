using System.Text.Json;

namespace Builder.Web.Services;

/// <summary>An API key as <c>GET /api/keys</c> lists it. Read loosely: that API is new and its shape may still grow.</summary>
public sealed record ApiKeyInfo(string Id, string Name, string? Prefix, IReadOnlyList<string> Scopes, string? Agent, DateTimeOffset? CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool Revoked => RevokedAt is not null;

    public static ApiKeyInfo From(JsonElement e) => new(
        Payloads.Text(e, "id") ?? "",
        Payloads.Text(e, "name") ?? "(unnamed)",
        Payloads.Text(e, "prefix", "keyPrefix"),
        ReadScopes(e),
        Payloads.Text(e, "agentName", "agent") ?? (Payloads.Property(e, "agent") is { ValueKind: JsonValueKind.Object } agent
            ? AgentLabel(agent) : null),
        Payloads.Time(e, "createdAt"),
        Payloads.Time(e, "revokedAt"));

    static IReadOnlyList<string> ReadScopes(JsonElement e) => Payloads.Property(e, "scopes") switch
    {
        { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!)],
        { ValueKind: JsonValueKind.String } text => text.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        _ => [],
    };

    static string? AgentLabel(JsonElement agent) =>
        Payloads.Text(agent, "name") is { } name ? Payloads.Text(agent, "version") is { } v ? $"{name}@{v}" : name : null;
}

/// <summary>An agent as <c>GET /api/agents</c> lists it.</summary>
public sealed record AgentInfo(string Id, string Name, string? Version, DateTimeOffset? CreatedAt)
{
    public static AgentInfo From(JsonElement e) =>
        new(Payloads.Text(e, "id") ?? "", Payloads.Text(e, "name") ?? "(unnamed)", Payloads.Text(e, "version"), Payloads.Time(e, "createdAt"));
}

/// <summary>A key or agent just created: the only moment its secret is known.</summary>
public sealed record CreatedSecret(string What, string Name, string Key);

/// <summary>The scopes a key can have, with what each lets its holder do.</summary>
public static class KeyScopes
{
    public static readonly IReadOnlyList<(string Scope, string Meaning)> All =
    [
        ("features:read", "see features, events, artifacts and repositories"),
        ("features:write", "submit and cancel features, register repositories"),
        ("drafts:write", "upload drafts"),
        ("approvals:write", "approve, reject and revise at gates"),
        ("improvements:write", "start improvement cycles and generate components (runs that deploy)"),
        ("telemetry:write", "send a deployed service's telemetry over OTLP (the key to give the service)"),
        ("admin", "everything, including keys"),
    ];
}
