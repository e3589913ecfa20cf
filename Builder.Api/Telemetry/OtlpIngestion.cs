using Builder.Core.Domain;
using Builder.Core.Flags;
using Builder.Core.Persistence;
using Builder.Worker.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Telemetry;

/// <summary>What became of an export: stored (with what was refused in it), or refused as a whole.</summary>
public sealed record OtlpOutcome(OtlpExport? Stored, OtlpRefusal? Refusal);

/// <summary>
/// Stores what a deployed service sent over OTLP as telemetry samples of source "otlp", one per resource,
/// for the version the resource names (service.version: a version number, a commit sha or its first 7+
/// characters, or a version id) or else the version live now. The service is looked up in the caller's
/// tenant only. Refused while the tenant's TelemetryCollection flag is off. All of an export is stored
/// at once or none of it.
/// </summary>
public sealed class OtlpIngestion(BuilderDbContext db, TenantFlags flags)
{
    /// <summary>How far back a sample's start may reach: older timestamps (a clock far off, a replayed batch) start the sample here.</summary>
    static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    public async Task<OtlpOutcome> StoreAsync(Guid tenantId, string serviceName, OtlpSignal signal, OtlpExport export, CancellationToken cancellationToken)
    {
        if (await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name == serviceName && s.TenantId == tenantId, cancellationToken) is not { } service)
            return new OtlpOutcome(null, new OtlpRefusal(StatusCodes.Status404NotFound, "Not found", $"No service named '{serviceName}' is deployed in this tenant."));
        if (!await flags.IsEnabledAsync(tenantId, BuilderFlags.TelemetryCollection, cancellationToken))
            return new OtlpOutcome(null, new OtlpRefusal(StatusCodes.Status409Conflict, "Telemetry collection is off",
                $"The {BuilderFlags.TelemetryCollection} flag is off for this tenant, so Builder keeps no telemetry of its services; an administrator can switch it on (PUT /api/flags/{BuilderFlags.TelemetryCollection})."));
        if (export.IsEmpty)
            return new OtlpOutcome(export, null);

        var versions = await db.ServiceVersions.AsNoTracking().Where(v => v.ServiceId == service.Id).ToListAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var samples = new List<TelemetrySample>();
        foreach (var resource in export.Resources.Where(r => r.Items > 0))
        {
            if (VersionOf(resource.ServiceVersion, service, versions) is not { } version)
                return new OtlpOutcome(null, new OtlpRefusal(StatusCodes.Status409Conflict, "No version to attribute",
                    $"'{service.Name}' has no live version{(resource.ServiceVersion is { } named ? $" and service.version '{named}' names none of its versions (a version number, a commit sha or a version id)" : " and the export names none (resource attribute service.version)")}; Builder keeps telemetry per version."));
            samples.Add(new TelemetrySample
            {
                TenantId = tenantId, ServiceId = service.Id, VersionId = version.Id, Source = TelemetrySources.Otlp, Endpoint = signal.Path,
                From = resource.Earliest is { } earliest ? new DateTime(Math.Clamp(earliest.Ticks, (now - MaxAge).Ticks, now.Ticks), DateTimeKind.Utc) : now,
                To = now, Requests = resource.Items, Failures = resource.Failures,
                P50Ms = Percentiles.Of(resource.DurationsMs, 0.50), P95Ms = Percentiles.Of(resource.DurationsMs, 0.95), P99Ms = Percentiles.Of(resource.DurationsMs, 0.99),
                Signals = resource.Signals,
            });
        }

        db.TelemetrySamples.AddRange(samples);
        await db.SaveChangesAsync(cancellationToken);
        return new OtlpOutcome(export, null);
    }

    /// <summary>The version service.version names, else the live one; null when neither exists.</summary>
    public static ServiceVersion? VersionOf(string? named, DeployedService service, IReadOnlyList<ServiceVersion> versions)
    {
        var live = versions.FirstOrDefault(v => v.Id == service.LiveVersionId);
        if (string.IsNullOrWhiteSpace(named))
            return live;
        var text = named.Trim();
        var matches = versions.Where(v => Names(v, text)).ToList();
        // The same commit may have been deployed twice (a redeploy after a rollback): the live one, else the latest.
        return matches.FirstOrDefault(v => v.Id == live?.Id) ?? matches.MaxBy(v => v.Number) ?? live;
    }

    static bool Names(ServiceVersion version, string text) =>
        (Guid.TryParse(text, out var id) && id == version.Id)
        || text == version.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)
        || text.Equals($"v{version.Number}", StringComparison.OrdinalIgnoreCase)
        || (text.Length >= 7 && version.CommitSha.StartsWith(text, StringComparison.OrdinalIgnoreCase));
}
