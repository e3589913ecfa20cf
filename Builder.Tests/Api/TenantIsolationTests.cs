using System.Net;
using Builder.Core.Domain;
using Builder.Core.Security;
using Builder.Tests.Support;

namespace Builder.Tests.Api;

public sealed class TenantIsolationTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    [Fact]
    public async Task Another_tenants_key_gets_404_for_its_repository_and_feature()
    {
        using var repository = TestRepository.CreateMakeProject();
        var tenantA = builder.Admin();
        var repositoryId = await tenantA.RegisterRepositoryAsync(repository.RemotePath);
        var featureId = await tenantA.SubmitAsync(repositoryId, "Tenant A's feature", [BuilderApi.File("value.txt", "42\n", "replace")]);

        var keyB = await builder.WithDbAsync(async db =>
        {
            var tenant = new Tenant { Name = "tenant-b" };
            var (key, prefix, hash) = ApiKeyGenerator.Create();
            db.Tenants.Add(tenant);
            db.ApiKeys.Add(new ApiKey { TenantId = tenant.Id, Name = "b-admin", Prefix = prefix, Hash = hash, Scopes = ApiScopes.Admin });
            await db.SaveChangesAsync();
            return key;
        });
        var tenantB = BuilderApi.WithKey(builder.CreateClient(), keyB);

        (await tenantB.Http.GetAsync($"/api/repositories/{repositoryId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await tenantB.Http.GetAsync($"/api/features/{featureId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await tenantB.Http.GetAsync($"/api/features/{featureId}/events")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await tenantB.Http.GetAsync($"/api/features/{featureId}/artifacts")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await tenantB.Http.GetAsync($"/api/features/{featureId}/artifacts/plan.json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await tenantB.ActAsync(featureId, "cancel")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await tenantB.Http.GetStringAsync("/api/repositories")).ShouldBe("[]");
        (await tenantB.Http.GetStringAsync("/api/features")).ShouldNotContain(featureId.ToString());

        var submitted = await tenantB.Http.PostAsync("/api/features", System.Net.Http.Json.JsonContent.Create(new
        {
            repositoryId, title = "steal", description = "", draft = new { files = new[] { BuilderApi.File("x.txt", "x") } },
        }));
        submitted.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "tenant B cannot submit against tenant A's repository");

        (await tenantA.WaitForEndAsync(featureId))["status"]!.GetValue<string>().ShouldBe("Completed");
    }
}
