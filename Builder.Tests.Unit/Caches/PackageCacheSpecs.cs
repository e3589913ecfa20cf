using Builder.Worker.Caches;
using Microsoft.Extensions.Logging.Abstractions;

namespace Builder.Tests.Caches;

/// <summary>Tenants' package caches are kept while runs use them and pruned when none has for the retention period.</summary>
public sealed class PackageCacheSpecs : IDisposable
{
    readonly string _data = Directory.CreateTempSubdirectory("builder-caches-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    string Tenant(Guid id, DateTime lastUsed)
    {
        var folder = PackageCaches.For(_data, id);
        Directory.CreateDirectory(Path.Combine(folder, "npm"));
        File.WriteAllText(Path.Combine(folder, "npm", "index-v5"), "cached");
        PackageCaches.Touch(folder);
        File.SetLastWriteTimeUtc(Path.Combine(folder, ".last-used"), lastUsed);
        return folder;
    }

    [Fact]
    public void Only_the_caches_no_run_used_within_the_retention_are_removed()
    {
        var now = new DateTime(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);
        var stale = Tenant(Guid.NewGuid(), now.AddDays(-20));
        var fresh = Tenant(Guid.NewGuid(), now.AddDays(-2));

        var removed = PackageCaches.Prune(_data, TimeSpan.FromDays(14), now, NullLogger.Instance);

        removed.ShouldBe([stale]);
        Directory.Exists(stale).ShouldBeFalse();
        File.ReadAllText(Path.Combine(fresh, "npm", "index-v5")).ShouldBe("cached");
        Directory.EnumerateDirectories(PackageCaches.Root(_data)).ShouldBe([fresh]);
    }

    [Fact]
    public void Repository_scope_gives_each_repository_its_own_caches_inside_the_same_pruning()
    {
        var tenant = Guid.NewGuid();
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());

        var shared = PackageCaches.For(_data, tenant, first, Builder.Core.CacheScope.Tenant);
        var own = PackageCaches.For(_data, tenant, first, Builder.Core.CacheScope.Repository);
        var other = PackageCaches.For(_data, tenant, second, Builder.Core.CacheScope.Repository);

        shared.ShouldBe(PackageCaches.For(_data, tenant));
        PackageCaches.For(_data, tenant, second, Builder.Core.CacheScope.Tenant).ShouldBe(shared);
        own.ShouldNotBe(other);
        own.ShouldNotBe(shared);
        Path.GetDirectoryName(own).ShouldBe(PackageCaches.Root(_data));
        PackageCaches.Touch(own);
        File.SetLastWriteTimeUtc(Path.Combine(own, ".last-used"), DateTime.UtcNow.AddDays(-30));
        PackageCaches.Prune(_data, TimeSpan.FromDays(14), DateTime.UtcNow, NullLogger.Instance).ShouldBe([own]);
    }

    [Fact]
    public void A_run_stamps_its_tenants_caches_as_used_now()
    {
        var folder = Tenant(Guid.NewGuid(), DateTime.UtcNow.AddDays(-30));

        PackageCaches.Touch(folder);

        (DateTime.UtcNow - PackageCaches.LastUsed(folder)).ShouldBeLessThan(TimeSpan.FromMinutes(1));
        PackageCaches.Prune(_data, TimeSpan.FromDays(14), DateTime.UtcNow, NullLogger.Instance).ShouldBeEmpty();
    }

    [Fact]
    public void Without_caches_there_is_nothing_to_prune() =>
        PackageCaches.Prune(_data, TimeSpan.FromDays(14), DateTime.UtcNow, NullLogger.Instance).ShouldBeEmpty();
}
