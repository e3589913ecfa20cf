using System.Net;
using System.Text.Json.Nodes;
using Builder.Tests.Agents;
using Builder.Tests.Support;

namespace Builder.Tests.Environments;

/// <summary>
/// GET /api/environments and an image's build log, from the real engine's images and the runs that used
/// them: a tenant sees only the images its own runs used, and only its own runs beside them.
/// </summary>
public sealed class EnvironmentImagesApiTests(EnvironmentEngine environment) : IClassFixture<EnvironmentEngine>
{
    static TestRepository Repository(string manifest) => TestRepository.Create(new Dictionary<string, string>
    {
        ["Makefile"] = "build:\n\t@echo built\n\ntest:\n\t@echo tested\n",
        ["value.txt"] = "0\n",
        [".builder/environment.yaml"] = manifest,
    });

    static async Task<(Guid Feature, JsonNode Used)> RunAsync(BuilderApi api, Guid repositoryId, string value)
    {
        var id = await api.SubmitAsync(repositoryId, $"Value {value}", [BuilderApi.File("value.txt", value + "\n", "replace")]);
        var feature = await api.WaitForEndAsync(id, TimeSpan.FromMinutes(4));
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var used = (await api.EventsAsync(id)).Single(e => ((string)e!["type"]!).StartsWith("environment.image_", StringComparison.Ordinal))!;
        return (id, used);
    }

    static async Task<JsonNode?> ImageAsync(BuilderApi api, string tag)
    {
        var listed = JsonNode.Parse(await api.Http.GetStringAsync("/api/environments"))!;
        listed["engine"].ShouldBeNull(listed.ToJsonString());
        return listed["images"]!.AsArray().SingleOrDefault(i => (string)i!["tag"]! == tag);
    }

    [Fact]
    public async Task A_tenant_sees_the_images_its_runs_used_with_size_use_and_build_log_and_nothing_of_another_tenants_runs()
    {
        var api = environment.Builder.Admin();
        // A variable of its own makes a new image each test run: the engine's images outlive test runs.
        var manifest = $"base: debian-bookworm\nvariables:\n  TEST_RUN: \"{Guid.NewGuid():N}\"\n";
        using var repository = Repository(manifest);
        var repositoryName = $"images-{Guid.NewGuid():N}"[..20];
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath, repositoryName);
        var other = await environment.Builder.OtherTenantAsync();

        var (first, built) = await RunAsync(api, repositoryId, "1");
        built["type"]!.GetValue<string>().ShouldBe("environment.image_built");
        var tag = built["payload"]!["image"]!.GetValue<string>();
        (await ImageAsync(other, tag)).ShouldBeNull("no run of the other tenant used the image yet");
        var (second, reused) = await RunAsync(api, repositoryId, "2");
        reused["type"]!.GetValue<string>().ShouldBe("environment.image_reused");

        var image = (await ImageAsync(api, tag))!;
        image.ShouldNotBeNull();
        image["sizeBytes"]!.GetValue<long>().ShouldBeGreaterThan(0);
        image["id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        image["createdAt"]!.GetValue<DateTime>().ShouldBeLessThanOrEqualTo(built["timestamp"]!.GetValue<DateTime>());
        image["lastUsedAt"]!.GetValue<DateTime>().ShouldBe(reused["timestamp"]!.GetValue<DateTime>());
        image["repositories"]!.AsArray().Select(r => (string)r!).ShouldBe([repositoryName]);
        image["runs"]!.GetValue<int>().ShouldBe(2);
        var runs = image["recentRuns"]!.AsArray();
        runs.Select(r => r!["featureId"]!.GetValue<Guid>()).ShouldBe([second, first]);
        runs.Select(r => r!["built"]!.GetValue<bool>()).ShouldBe([false, true]);
        runs[1]!["title"]!.GetValue<string>().ShouldBe("Value 1");

        var log = await api.Http.GetStringAsync(image["logUrl"]!.GetValue<string>());
        log.ShouldContain($"[builder] image {tag} built in");
        (await api.Http.GetStringAsync($"/api/environments/{tag.Split(':')[1]}/log")).ShouldBe(log, "the hash alone names the image too");

        // The other tenant's run reuses the same image: it sees the image with its own run only, and no build log of ours.
        using var otherRepository = Repository(manifest);
        var (theirs, theirUse) = await RunAsync(other, await other.RegisterRepositoryAsync(otherRepository.RemotePath), "3");
        theirUse["payload"]!["image"]!.GetValue<string>().ShouldBe(tag);
        var seen = (await ImageAsync(other, tag))!;
        seen["recentRuns"]!.AsArray().Select(r => r!["featureId"]!.GetValue<Guid>()).ShouldBe([theirs]);
        seen["repositories"]!.AsArray().Select(r => (string)r!).ShouldNotContain(repositoryName);
        seen["logUrl"].ShouldBeNull();
        using var theirLog = await other.Http.GetAsync($"/api/environments/{tag}/log");
        theirLog.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await theirLog.Content.ReadAsStringAsync()).ShouldContain("built before your runs used it");
        (await ImageAsync(api, tag))!["runs"]!.GetValue<int>().ShouldBe(2, "our view does not count their run");
    }

    [Fact]
    public async Task A_tag_that_is_not_an_environment_image_is_refused_naming_it()
    {
        var api = environment.Builder.Admin();

        using var response = await api.Http.GetAsync("/api/environments/node:18/log");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]!["tag"]![0]!.GetValue<string>().ShouldContain("'node:18' is not an environment image's tag");
    }

    [Fact]
    public async Task An_image_none_of_the_tenants_runs_used_has_no_log_for_it()
    {
        var api = environment.Builder.Admin();

        using var response = await api.Http.GetAsync($"/api/environments/builder-env:{Guid.NewGuid():N}/log");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("None of your runs used the environment image");
    }
}
