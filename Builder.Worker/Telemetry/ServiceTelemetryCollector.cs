using Builder.Core.Domain;
using Builder.Core.Flags;
using Builder.Core.Persistence;
using Builder.Worker.Deployment;
using Builder.Worker.Phases.HealthCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Telemetry;

/// <summary>
/// Reads the live version of every service this worker can reach, once per interval: each endpoint its
/// builder.yaml names (and its health path) probed, its output grouped into exception types and error
/// lines with its restarts (local target), and its Prometheus metrics. One worker collects a service at
/// a time (a lease in the services table), so samples are not counted twice. Tenants whose
/// TelemetryCollection flag is off are not read.
/// </summary>
public sealed class ServiceTelemetryCollector(
    IDbContextFactory<BuilderDbContext> dbFactory, DeployTargets targets, HealthProbe probe, ServiceClients clients, SourceBreakers breakers,
    TenantFlags flags, IOptions<TelemetryOptions> options, IHostEnvironment environment, ILogger<ServiceTelemetryCollector> logger)
    : BackgroundService
{
    readonly string _collector = $"{environment.ApplicationName}@{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        do
        {
            try
            {
                await CollectAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "A telemetry round failed; the next one tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task CollectAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var live = await db.Services.AsNoTracking().Where(s => s.LiveVersionId != null)
            .Join(db.ServiceVersions.AsNoTracking(), s => s.LiveVersionId, v => v.Id, (s, v) => new { Service = s, Version = v })
            .ToListAsync(cancellationToken);
        breakers.Keep(live.Select(l => l.Version.Id).ToHashSet());

        var off = new Dictionary<Guid, bool>();
        foreach (var (service, version) in live.Select(l => (l.Service, l.Version)))
        {
            if (!off.TryGetValue(service.TenantId, out var tenantOff))
                off[service.TenantId] = tenantOff = !await flags.IsEnabledAsync(service.TenantId, BuilderFlags.TelemetryCollection, cancellationToken);
            if (tenantOff || version.Url is null)
                continue;
            var target = targets.For(service.Target);
            if (!await target.IsRunningAsync(version.Id, cancellationToken) || !await ClaimAsync(db, service.Id, cancellationToken))
                continue;
            db.TelemetrySamples.AddRange(await ReadAsync(target, version, cancellationToken));
        }

        await db.SaveChangesAsync(cancellationToken);
        var expired = DateTime.UtcNow - options.Value.Retention;
        await db.TelemetrySamples.Where(s => s.To < expired).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>True when this worker holds (or now takes) the service's collection lease.</summary>
    async Task<bool> ClaimAsync(BuilderDbContext db, Guid serviceId, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var until = now + options.Value.Interval * 3;
        return await db.Services
            .Where(s => s.Id == serviceId && (s.TelemetryLeaseUntil == null || s.TelemetryLeaseUntil < now || s.TelemetryCollector == _collector))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.TelemetryCollector, _collector).SetProperty(x => x.TelemetryLeaseUntil, until), cancellationToken) == 1;
    }

    async Task<List<TelemetrySample>> ReadAsync(IDeployTarget target, ServiceVersion version, CancellationToken cancellationToken)
    {
        var samples = new List<TelemetrySample>();
        var address = new Uri(version.Url!);
        foreach (var endpoint in version.TelemetryEndpoints)
            samples.Add(await ProbeAsync(version, address, endpoint, cancellationToken));

        if (target is IServiceOutputSource outputs)
        {
            var started = DateTime.UtcNow;
            ServiceOutput? output = null;
            var error = await breakers.ReadAsync(version.Id, TelemetrySources.Logs, _ =>
            {
                output = outputs.TakeOutput(version.Id) ?? throw new TelemetrySourceException("this worker no longer runs the version");
                return Task.CompletedTask;
            }, cancellationToken);
            var signals = output is null ? [] : LogSignals.Group(output.Lines);
            if (output is { Restarts: > 0 })
                signals.Add(new TelemetrySignal(TelemetrySignal.Restart, "restarts", output.Restarts));
            var logs = Sample(version, TelemetrySources.Logs, null, started);
            (logs.Requests, logs.Signals, logs.Error) = (output?.Lines.Count ?? 0, signals, error);
            samples.Add(logs);
        }

        if (version.MetricsPath is { } metricsPath)
        {
            var started = DateTime.UtcNow;
            List<TelemetrySignal> metrics = [];
            var error = await breakers.ReadAsync(version.Id, TelemetrySources.Metrics, async token =>
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
                limit.CancelAfter(options.Value.ProbeTimeout);
                using var response = await clients.For(address).GetAsync(new Uri(address, metricsPath.TrimStart('/')), limit.Token);
                if (!response.IsSuccessStatusCode)
                    throw new TelemetrySourceException($"{metricsPath} answered {(int)response.StatusCode}");
                metrics = PrometheusText.Parse(await response.Content.ReadAsStringAsync(limit.Token));
            }, cancellationToken);
            var scraped = Sample(version, TelemetrySources.Metrics, metricsPath, started);
            (scraped.Signals, scraped.Error) = (metrics, error);
            samples.Add(scraped);
        }

        return samples;
    }

    async Task<TelemetrySample> ProbeAsync(ServiceVersion version, Uri address, string endpoint, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var health = new HealthSettings { Path = endpoint };
        var latencies = new List<double>();
        var statuses = new Dictionary<string, int>();
        var failures = 0;
        for (var i = 0; i < options.Value.ProbesPerEndpoint; i++)
        {
            var result = await probe.ProbeAsync(address, health, options.Value.ProbeTimeout, cancellationToken);
            latencies.Add(result.Latency.TotalMilliseconds);
            var status = result.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (result.Status is null or >= 500)
                failures++;
        }

        var sample = Sample(version, TelemetrySources.Probe, endpoint, started);
        (sample.Requests, sample.Failures, sample.Statuses) = (latencies.Count, failures, statuses);
        (sample.P50Ms, sample.P95Ms, sample.P99Ms) = (Math.Round(Percentiles.Of(latencies, 0.5), 1), Math.Round(Percentiles.Of(latencies, 0.95), 1), Math.Round(Percentiles.Of(latencies, 0.99), 1));
        return sample;
    }

    static TelemetrySample Sample(ServiceVersion version, string source, string? endpoint, DateTime from) => new()
    {
        TenantId = version.TenantId, ServiceId = version.ServiceId, VersionId = version.Id, Source = source, Endpoint = endpoint, From = from,
        To = DateTime.UtcNow,
    };
}
