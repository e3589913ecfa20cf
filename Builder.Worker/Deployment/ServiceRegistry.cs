using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Worker.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Deployment;

/// <summary>Services and their versions in Builder's database: what runs where, from which run, and in which state.</summary>
public sealed class ServiceRegistry(IDbContextFactory<BuilderDbContext> dbFactory)
{
    /// <summary>The version a run's attempt deploys; registered once, so a redelivered Deploy finds it again.</summary>
    public async Task<(DeployedService Service, ServiceVersion Version)> RegisterAsync(PhaseRun run, DeployManifest manifest, string stableUrl, string commitSha,
        Func<int, string> releaseFolder)
    {
        await using var db = await dbFactory.CreateDbContextAsync(run.CancellationToken);
        var service = await db.Services.FirstOrDefaultAsync(s => s.Name == manifest.Service, run.CancellationToken);
        if (service is null)
        {
            service = new DeployedService
            {
                TenantId = run.Feature.TenantId, RepositoryId = run.Repository.Id, Name = manifest.Service, Target = manifest.Target, StableUrl = stableUrl,
            };
            db.Services.Add(service);
        }
        else if (service.TenantId != run.Feature.TenantId || service.RepositoryId != run.Repository.Id)
        {
            throw new PhaseFailedException("service_name_taken",
                $"A service named '{manifest.Service}' is already deployed from another repository; give this one another name in builder.yaml.");
        }

        service.StableUrl = stableUrl;
        service.Target = manifest.Target;
        var version = await db.ServiceVersions.FirstOrDefaultAsync(v => v.FeatureId == run.Feature.Id && v.Attempt == run.Attempt, run.CancellationToken);
        if (version is null)
        {
            var number = 1 + (await db.ServiceVersions.Where(v => v.ServiceId == service.Id).MaxAsync(v => (int?)v.Number, run.CancellationToken) ?? 0);
            version = new ServiceVersion
            {
                ServiceId = service.Id, TenantId = service.TenantId, Number = number, FeatureId = run.Feature.Id, Attempt = run.Attempt, CommitSha = commitSha,
                ReleaseFolder = releaseFolder(number), DeployedBy = run.Feature.RequestedBy,
                TelemetryEndpoints = [manifest.Health.Path, .. manifest.Telemetry.Endpoints.Where(e => e != manifest.Health.Path)], MetricsPath = manifest.Telemetry.MetricsPath,
            };
            db.ServiceVersions.Add(version);
        }

        await db.SaveChangesAsync(run.CancellationToken);
        return (service, version);
    }

    public async Task<(DeployedService Service, ServiceVersion Version)?> FindAsync(Guid featureId, int attempt, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var version = await db.ServiceVersions.AsNoTracking().FirstOrDefaultAsync(v => v.FeatureId == featureId && v.Attempt == attempt, cancellationToken);
        if (version is null)
            return null;
        return (await db.Services.AsNoTracking().FirstAsync(s => s.Id == version.ServiceId, cancellationToken), version);
    }

    public async Task<ServiceVersion?> GetAsync(Guid? versionId, CancellationToken cancellationToken)
    {
        if (versionId is null)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ServiceVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId, cancellationToken);
    }

    /// <summary>The most recent standby version older than <paramref name="number"/>: the one a live version replaced.</summary>
    public async Task<ServiceVersion?> StandbyBeforeAsync(Guid serviceId, int number)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.ServiceVersions.AsNoTracking()
            .Where(v => v.ServiceId == serviceId && v.Number < number && v.State == ServiceVersionState.Standby)
            .OrderByDescending(v => v.Number).FirstOrDefaultAsync();
    }

    public async Task SetStateAsync(Guid versionId, ServiceVersionState state, string? reason = null, string? url = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var version = await db.ServiceVersions.FirstAsync(v => v.Id == versionId);
        version.State = state;
        version.Reason = reason ?? version.Reason;
        version.Url = url ?? version.Url;
        if (state is ServiceVersionState.Stopped or ServiceVersionState.Failed or ServiceVersionState.RolledBack)
            version.EndedAt ??= DateTime.UtcNow;
        await db.SaveChangesAsync();
    }

    /// <summary>The version serves at the stable address; the one it replaces (if any) stays warm as standby, or null for none.</summary>
    public async Task MakeLiveAsync(Guid serviceId, Guid? versionId, ServiceVersionState replacedBecomes, string? reason = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var service = await db.Services.FirstAsync(s => s.Id == serviceId);
        if (service.LiveVersionId is { } replacedId && replacedId != versionId)
        {
            var replaced = await db.ServiceVersions.FirstAsync(v => v.Id == replacedId);
            replaced.State = replacedBecomes;
            replaced.Reason = reason ?? replaced.Reason;
            if (replacedBecomes is not ServiceVersionState.Standby)
                replaced.EndedAt ??= DateTime.UtcNow;
        }

        if (versionId is not null)
        {
            var version = await db.ServiceVersions.FirstAsync(v => v.Id == versionId);
            version.State = ServiceVersionState.Live;
            version.LiveAt = DateTime.UtcNow;
            version.EndedAt = null;
        }

        service.LiveVersionId = versionId;
        service.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync();
    }
}
