using Builder.Tests.Agents;
using Builder.Tests.Support;

namespace Builder.Tests.Execution;

/// <summary>
/// Package caches are per tenant. A repository's install hook runs during restore with the package
/// cache writable: what it plants there is visible to its own tenant's later steps, and never to
/// another tenant's build.
/// </summary>
public sealed class PackageCacheIsolationTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    const string Test = """
        const test = require('node:test');
        const assert = require('node:assert');
        const fs = require('node:fs');
        const path = require('node:path');

        test('the package cache holds what was planted: EXPECTED', () => {
          assert.strictEqual(fs.existsSync(path.join(process.env.npm_config_cache, 'planted.txt')), EXPECTED);
        });
        """;

    static TestRepository Package(string name, bool plants, bool expectsPlanted) => TestRepository.Create(new Dictionary<string, string>
    {
        ["package.json"] = $$"""
            {
              "name": "{{name}}",
              "version": "1.0.0",
              "private": true,
              "scripts": {
                {{(plants ? "\"preinstall\": \"node -e \\\"require('fs').writeFileSync(require('path').join(process.env.npm_config_cache, 'planted.txt'), 'poisoned')\\\"\"," : "")}}
                "test": "node --test"
              }
            }
            """,
        ["test/cache.test.js"] = Test.Replace("EXPECTED", expectsPlanted ? "true" : "false"),
        ["README.md"] = "# package\n",
    });

    static async Task<System.Text.Json.Nodes.JsonNode> RunAsync(BuilderApi api, TestRepository repository)
    {
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await api.SubmitAsync(repositoryId, "Docs", [BuilderApi.File("README.md", "# package\n\nMore.\n", "replace")]);
        return await api.WaitForEndAsync(id, TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task What_one_tenants_restore_plants_in_the_package_cache_is_not_seen_by_another_tenant()
    {
        using var attacker = Package("attacker", plants: true, expectsPlanted: true);
        using var sameTenant = Package("neighbour", plants: false, expectsPlanted: true);
        using var victim = Package("victim", plants: false, expectsPlanted: false);

        // The hook ran and its file is in the attacker's own cache, for its own and its tenant's later builds.
        var attacked = await RunAsync(builder.Admin(), attacker);
        attacked["status"]!.GetValue<string>().ShouldBe("Completed", attacked.ToJsonString());
        var neighbour = await RunAsync(builder.Admin(), sameTenant);
        neighbour["status"]!.GetValue<string>().ShouldBe("Completed", neighbour.ToJsonString());

        // Another tenant's restore, build and tests see a cache without it.
        var victimRun = await RunAsync(await builder.OtherTenantAsync(), victim);
        victimRun["status"]!.GetValue<string>().ShouldBe("Completed", victimRun.ToJsonString());

        // Each tenant's caches are a folder of their own, stamped by the runs that used them (what pruning reads).
        var tenants = Directory.EnumerateDirectories(Builder.Worker.Caches.PackageCaches.Root(builder.DataDirectory)).ToList();
        tenants.Count.ShouldBe(2);
        tenants.ShouldAllBe(folder => DateTime.UtcNow - Builder.Worker.Caches.PackageCaches.LastUsed(folder) < TimeSpan.FromMinutes(10));
    }
}
