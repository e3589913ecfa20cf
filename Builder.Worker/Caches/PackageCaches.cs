using Builder.Core;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Caches;

/// <summary>
/// Where package caches live: one folder per tenant under &lt;data&gt;/caches, so nothing one
/// tenant's restore writes is read by another's build. Each use stamps the folder, and folders
/// unused for the retention period are removed (<see cref="PackageCachePruner"/>).
/// </summary>
public static class PackageCaches
{
    const string Stamp = ".last-used";

    public static string Root(string dataDirectory) => Path.Combine(dataDirectory, "caches");

    public static string For(string dataDirectory, Guid tenantId) => Path.Combine(Root(dataDirectory), tenantId.ToString("N"));

    /// <summary>
    /// The caches a run uses: its tenant's, or with <see cref="CacheScope.Repository"/> its repository's
    /// own (a sibling folder, so the same stamp and pruning apply), for tenants whose repositories do not trust each other.
    /// </summary>
    public static string For(string dataDirectory, Guid tenantId, Guid repositoryId, CacheScope scope) => scope == CacheScope.Repository
        ? Path.Combine(Root(dataDirectory), $"{tenantId:N}-{repositoryId:N}")
        : For(dataDirectory, tenantId);

    /// <summary>Records that a run used the tenant's caches now.</summary>
    public static void Touch(string tenantCaches)
    {
        Directory.CreateDirectory(tenantCaches);
        var stamp = Path.Combine(tenantCaches, Stamp);
        File.WriteAllText(stamp, "");
        File.SetLastWriteTimeUtc(stamp, DateTime.UtcNow);
    }

    /// <summary>When a run last used the tenant's caches: the stamp, else the folder's own time.</summary>
    public static DateTime LastUsed(string tenantCaches)
    {
        var stamp = Path.Combine(tenantCaches, Stamp);
        return File.Exists(stamp) ? File.GetLastWriteTimeUtc(stamp) : Directory.GetLastWriteTimeUtc(tenantCaches);
    }

    /// <summary>Removes every tenant's caches unused since <paramref name="now"/> minus <paramref name="retention"/>; returns the folders removed.</summary>
    public static IReadOnlyList<string> Prune(string dataDirectory, TimeSpan retention, DateTime now, ILogger logger)
    {
        var root = Root(dataDirectory);
        if (!Directory.Exists(root))
            return [];

        var removed = new List<string>();
        foreach (var tenant in Directory.EnumerateDirectories(root))
        {
            if (now - LastUsed(tenant) <= retention)
                continue;
            try
            {
                // Renamed first, so a run that starts meanwhile finds no half-deleted cache: it restores afresh.
                var doomed = tenant + ".pruning-" + Guid.NewGuid().ToString("N")[..8];
                Directory.Move(tenant, doomed);
                Directory.Delete(doomed, recursive: true);
                removed.Add(tenant);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not prune the package caches {Folder}: {Problem}", tenant, ex.Message);
            }
        }

        return removed;
    }
}

/// <summary>Prunes package caches that no run has used for Builder:Worker:CacheRetention, at start and then every few hours.</summary>
public sealed class PackageCachePruner(IOptions<BuilderOptions> options, ILogger<PackageCachePruner> logger) : BackgroundService
{
    static readonly TimeSpan Every = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Worker.CacheRetention <= TimeSpan.Zero)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var removed = PackageCaches.Prune(settings.DataDirectory, settings.Worker.CacheRetention, DateTime.UtcNow, logger);
            if (removed.Count > 0)
                logger.LogInformation("Pruned the package caches of {Count} tenant(s), unused for {Retention}", removed.Count, settings.Worker.CacheRetention);
            try
            {
                await Task.Delay(Every, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
