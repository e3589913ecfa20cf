using System.Text.Json.Nodes;
using Builder.Core.Domain;
using Builder.Core.Flags;
using Builder.Core.Security;
using Builder.Tests.Support;

namespace Builder.Tests.Improvements;

/// <summary>Cycles on a schedule: off by default; when on, one per interval for each tenant whose SelfBuilding flag is on.</summary>
public sealed class ImprovementScheduleTests
{
    static async Task<JsonArray> CyclesAsync(BuilderApi api) => JsonNode.Parse(await api.Http.GetStringAsync("/api/improvements/cycles"))!.AsArray();

    [Fact]
    public async Task With_the_schedule_on_each_tenant_gets_one_cycle_per_interval_and_a_tenant_with_SelfBuilding_off_none()
    {
        using var builder = EmbeddedBuilder.With(new Dictionary<string, string?>
        {
            ["Builder:Improvements:ScheduleEnabled"] = "true",
            ["Builder:Improvements:ScheduleInterval"] = "01:00:00",
            ["Builder:Improvements:ScheduleWindowHours"] = "6",
            ["Builder:Improvements:TrackInterval"] = "00:00:00.200",
        });
        var admin = builder.Admin();
        // A second tenant created with SelfBuilding already off (in one save, so no round of the schedule sees it on).
        var otherKey = await builder.WithDbAsync(async db =>
        {
            var tenant = new Tenant { Name = $"other-{Guid.NewGuid():N}" };
            var (secret, prefix, hash) = ApiKeyGenerator.Create();
            db.Tenants.Add(tenant);
            db.ApiKeys.Add(new ApiKey { TenantId = tenant.Id, Name = "other-admin", Prefix = prefix, Hash = hash, Scopes = ApiScopes.Admin });
            db.TenantFlags.Add(new TenantFlag { TenantId = tenant.Id, Name = BuilderFlags.SelfBuilding, Enabled = false, UpdatedBy = "test" });
            await db.SaveChangesAsync();
            return secret;
        });
        var other = BuilderApi.WithKey(builder.CreateClient(), otherKey);

        var cycles = await Eventually.Until(() => CyclesAsync(admin), c => c.Count > 0, "a scheduled cycle", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        var cycle = cycles.ShouldHaveSingleItem()!;
        cycle["trigger"]!.GetValue<string>().ShouldBe("schedule");
        cycle["triggeredBy"]!.GetValue<string>().ShouldBe("builder:schedule");
        cycle["analysisWindowHours"]!.GetValue<double>().ShouldBe(6);

        // Several more rounds of the tracker: still one cycle this hour, and none for the tenant that switched self-building off.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        (await CyclesAsync(admin)).Count.ShouldBe(1);
        (await CyclesAsync(other)).ShouldBeEmpty();
    }
}
