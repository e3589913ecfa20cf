using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Tests.Agents;
using Builder.Tests.Support;

namespace Builder.Tests.Api;

/// <summary>
/// An admin archives ended runs and removes repositories; everything people and agents do is in the
/// tenant's audit log, with the actor and the key.
/// </summary>
public sealed class ArchiveAndAuditTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _admin = builder.Admin();

    static async Task<JsonNode> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, body);
        return JsonNode.Parse(body.Length == 0 ? "{}" : body)!;
    }

    async Task<IReadOnlyList<Guid>> ListedAsync(string query = "") =>
        (await _admin.Http.GetFromJsonAsync<JsonNode>($"/api/features?pageSize=200{query}"))!["items"]!.AsArray()
        .Select(f => f!["id"]!.GetValue<Guid>()).ToList();

    [Fact]
    public async Task An_archived_run_leaves_the_lists_and_the_board_and_keeps_its_history()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _admin.RegisterRepositoryAsync(repository.RemotePath);
        var done = await _admin.SubmitAsync(repositoryId, "Answer", [BuilderApi.File("value.txt", "42\n", "replace")]);
        await _admin.WaitForStatusAsync(done, "Completed");
        var gated = await _admin.SubmitAsync(repositoryId, "Waits", [BuilderApi.File("value.txt", "42\n", "replace")], approvalMode: "checkpoints");
        await _admin.WaitForStatusAsync(gated, "AwaitingApproval");

        // A run in flight cannot be archived, nor its repository removed.
        (await JsonAsync(await _admin.Http.PostAsJsonAsync($"/api/features/{gated}/archive", new { }), HttpStatusCode.Conflict))["detail"]!
            .GetValue<string>().ShouldContain("only an ended run can be archived");
        (await JsonAsync(await _admin.Http.DeleteAsync($"/api/repositories/{repositoryId}"), HttpStatusCode.Conflict))["detail"]!
            .GetValue<string>().ShouldContain(gated.ToString());

        var archived = await JsonAsync(await _admin.Http.PostAsJsonAsync($"/api/features/{done}/archive", new { reason = "noise" }), HttpStatusCode.OK);
        archived["archivedBy"]!.GetValue<string>().ShouldBe("key:admin");
        (await ListedAsync()).ShouldNotContain(done);
        (await ListedAsync()).ShouldContain(gated);
        (await ListedAsync($"&archived=true&repositoryId={repositoryId}")).ShouldBe([done]);
        var board = await _admin.Http.GetFromJsonAsync<JsonNode>("/api/board");
        board!["items"]!.AsArray().Select(f => f!["id"]!.GetValue<Guid>()).ShouldNotContain(done);
        (await _admin.FeatureAsync(done))["archivedAt"].ShouldNotBeNull();
        (await _admin.EventsAsync(done)).Select(e => (string)e!["type"]!).ShouldContain("feature.archived");
        (await _admin.EventsAsync(done)).Select(e => (string)e!["type"]!).ShouldContain("feature.completed");

        // Once nothing is in flight the repository can go: its runs are archived and its name is free again.
        (await _admin.ActAsync(gated, "cancel")).EnsureSuccessStatusCode();
        await _admin.WaitForStatusAsync(gated, "Cancelled");
        var removed = await JsonAsync(await _admin.Http.DeleteAsync($"/api/repositories/{repositoryId}"), HttpStatusCode.OK);
        removed["archivedRuns"]!.GetValue<int>().ShouldBe(1);
        (await _admin.Http.GetAsync($"/api/repositories/{repositoryId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ListedAsync()).ShouldNotContain(gated);
        (await ListedAsync($"&archived=true&repositoryId={repositoryId}")).ShouldBe([done, gated], ignoreOrder: true);
        var name = removed["name"]!.GetValue<string>();
        (await _admin.Http.PostAsJsonAsync("/api/repositories", new { name, url = repository.RemotePath })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await _admin.Http.PostAsJsonAsync($"/api/features/{gated}/unarchive", new { })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_audit_log_says_who_did_what_with_which_key_and_only_to_admins_of_the_tenant()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _admin.RegisterRepositoryAsync(repository.RemotePath);
        var (writer, writerKey) = await builder.CreateKeyAsync(_admin, "writer", "features:read", "features:write");
        var feature = await writer.SubmitAsync(repositoryId, "By the writer", [BuilderApi.File("value.txt", "42\n", "replace")]);
        await _admin.WaitForStatusAsync(feature, "Completed");
        (await _admin.Http.PostAsJsonAsync($"/api/features/{feature}/archive", new { })).EnsureSuccessStatusCode();
        (await _admin.Http.DeleteAsync($"/api/keys/{writerKey}")).EnsureSuccessStatusCode();

        var log = await JsonAsync(await _admin.Http.GetAsync("/api/audit?pageSize=500"), HttpStatusCode.OK);
        var entries = log["entries"]!.AsArray().Select(e => e!).ToList();
        entries.ShouldContain(e => (string)e["action"]! == "repository.registered" && (string)e["target"]! == $"repository/{repositoryId}" && (string)e["actor"]! == "key:admin");
        entries.ShouldContain(e => (string)e["action"]! == "key.created" && (string)e["target"]! == $"key/{writerKey}");
        var submitted = entries.Single(e => (string)e["action"]! == "feature.submitted" && (string)e["target"]! == $"feature/{feature}");
        submitted["actor"]!.GetValue<string>().ShouldBe("key:writer");
        submitted["keyId"]!.GetValue<Guid>().ShouldBe(writerKey);
        entries.ShouldContain(e => (string)e["action"]! == "feature.archived" && (string)e["target"]! == $"feature/{feature}");
        entries.ShouldContain(e => (string)e["action"]! == "key.revoked" && (string)e["target"]! == $"key/{writerKey}");
        // Newest first, and filters narrow it.
        entries[0]["action"]!.GetValue<string>().ShouldBe("key.revoked");
        var archives = await JsonAsync(await _admin.Http.GetAsync($"/api/audit?action=feature.archived&target=feature/{feature}"), HttpStatusCode.OK);
        archives["entries"]!.AsArray().Count.ShouldBe(1);

        var (reader, _) = await builder.CreateKeyAsync(_admin, "reader", "features:read");
        (await reader.Http.GetAsync("/api/audit")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var other = await builder.OtherTenantAsync();
        (await JsonAsync(await other.Http.GetAsync("/api/audit"), HttpStatusCode.OK))["entries"]!.AsArray()
            .ShouldAllBe(e => !((string)e!["target"]!).Contains(feature.ToString()));
        (await JsonAsync(await _admin.Http.GetAsync("/api/audit?pageSize=0"), HttpStatusCode.BadRequest))["errors"]!["pageSize"].ShouldNotBeNull();
    }
}
