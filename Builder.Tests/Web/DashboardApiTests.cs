using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Web;

/// <summary>The API endpoints the dashboard added (board, repository settings, system status), in the embedded topology.</summary>
public sealed class DashboardApiTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi api = builder.Admin();

    [Fact]
    public async Task The_board_filters_by_repository_author_and_title_and_counts_each_status_in_one_call()
    {
        using var repository = TestRepository.CreateMakeProject();
        var shop = await api.RegisterRepositoryAsync(repository.RemotePath, $"shop-{Guid.NewGuid():N}");
        var other = await api.RegisterRepositoryAsync(repository.RemotePath, $"other-{Guid.NewGuid():N}");
        var marker = Guid.NewGuid().ToString("N")[..8];
        var gated = await api.SubmitAsync(shop, $"Dark mode {marker}", [BuilderApi.File("value.txt", "42\n", "replace")], "checkpoints");
        await api.SubmitAsync(other, $"Light mode {marker}", [BuilderApi.File("value.txt", "42\n", "replace")], "checkpoints");
        await api.WaitForStatusAsync(gated, "AwaitingApproval");

        var board = JsonNode.Parse(await api.Http.GetStringAsync($"/api/board?repositoryId={shop}&q=DARK%20MODE%20{marker}"))!;
        board["items"]!.AsArray().Select(i => (string)i!["title"]!).ShouldBe([$"Dark mode {marker}"]);
        board["total"]!.GetValue<int>().ShouldBe(1);
        board["counts"]!["AwaitingApproval"]!.GetValue<int>().ShouldBe(1);
        board["counts"]!.AsObject().Count.ShouldBe(8);
        board["authors"]!.AsArray().Select(a => (string)a!).ShouldContain("key:admin");

        var none = JsonNode.Parse(await api.Http.GetStringAsync($"/api/board?q={marker}&requestedBy=someone-else"))!;
        none["total"]!.GetValue<int>().ShouldBe(0);

        var oldest = JsonNode.Parse(await api.Http.GetStringAsync($"/api/board?q={marker}&order=oldest"))!;
        oldest["items"]!.AsArray().Select(i => (string)i!["title"]!).ShouldBe([$"Dark mode {marker}", $"Light mode {marker}"]);

        var bad = await api.Http.GetAsync("/api/board?status=Sleeping");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Repository_settings_change_and_the_token_is_write_only()
    {
        using var repository = TestRepository.CreateMakeProject();
        var id = await api.RegisterRepositoryAsync(repository.RemotePath);

        var patched = await api.Http.PatchAsJsonAsync($"/api/repositories/{id}",
            new { defaultBranch = "main", settings = new { testCommand = "make test", allowedPaths = new[] { "src/**", "value.txt" } } });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await patched.Content.ReadAsStringAsync())!;
        body["settings"]!["testCommand"]!.GetValue<string>().ShouldBe("make test");
        body["settings"]!["allowedPaths"]!.AsArray().Select(p => (string)p!).ShouldBe(["src/**", "value.txt"]);

        var outside = await api.Http.PostAsJsonAsync("/api/features", new
        {
            repositoryId = id, title = "Outside", description = "", draft = new { files = new[] { BuilderApi.File("README.md", "x\n", "replace") } },
        });
        outside.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var token = await api.Http.PutAsJsonAsync($"/api/repositories/{id}/credentials", new { token = "ghp_example_token_value" });
        token.StatusCode.ShouldBe(HttpStatusCode.NoContent, await token.Content.ReadAsStringAsync());
        var shown = await api.Http.GetStringAsync($"/api/repositories/{id}");
        shown.ShouldContain("\"hasCredentials\":true");
        shown.ShouldNotContain("ghp_example_token_value");

        var bad = await api.Http.PatchAsJsonAsync($"/api/repositories/{id}", new { settings = new { allowedPaths = new[] { "../etc" } } });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await api.Http.PatchAsJsonAsync($"/api/repositories/{Guid.NewGuid()}", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Runs_of_a_repository_and_the_system_status()
    {
        using var repository = TestRepository.CreateMakeProject();
        var id = await api.RegisterRepositoryAsync(repository.RemotePath);
        var failed = await api.SubmitAsync(id, "Wrong answer", [BuilderApi.File("value.txt", "41\n", "replace")]);
        (await api.WaitForEndAsync(failed))["status"]!.GetValue<string>().ShouldBe("Failed");

        var runs = JsonNode.Parse(await api.Http.GetStringAsync($"/api/repositories/{id}/runs"))!;
        runs["total"]!.GetValue<int>().ShouldBe(1);
        runs["failed"]!.GetValue<int>().ShouldBe(1);
        runs["successRate"]!.GetValue<double>().ShouldBe(0);
        runs["recent"]!.AsArray().Single()!["id"]!.GetValue<Guid>().ShouldBe(failed);

        var status = JsonNode.Parse(await api.Http.GetStringAsync("/api/system/status"))!;
        status["topology"]!.GetValue<string>().ShouldBe("embedded");
        status["components"]!.AsArray().Select(c => (string)c!["kind"]!).ShouldContain("database");
        status["components"]!.AsArray().Select(c => (string)c!["kind"]!).ShouldContain("broker");
        status["throughput"]!.AsArray().Count.ShouldBe(24);
        status["runs"]!["failed24h"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        status["phaseDurations"]!.AsArray().Select(p => (string)p!["phase"]!).ShouldContain("plan");
        status["workers"]!.AsArray().Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Percentiles_use_the_nearest_rank() =>
        new[] { 0.5, 0.9, 0.99 }.Select(p => Builder.Api.Status.RunFigures.Percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], p)).ShouldBe([50L, 90L, 100L]);
}
