using System.Net;
using System.Net.Http.Json;
using System.Text;
using Builder.Tests.Support;

namespace Builder.Tests.Agents;

public sealed class KeysAndScopesTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _admin = builder.Admin();

    [Fact]
    public async Task A_registered_agent_gets_its_key_once_with_the_default_scopes_and_acts_under_its_name()
    {
        var response = await _admin.Http.PostAsJsonAsync("/api/agents", new { name = "scout", version = "0.3.1" });
        var body = await AgentSteps.OkAsync(response, HttpStatusCode.Created);
        var secret = body["key"]!["key"]!.GetValue<string>();
        secret.ShouldStartWith("bld_");
        body["key"]!["details"]!["scopes"]!.AsArray().Select(s => (string)s!).ShouldBe(["features:read", "features:write", "drafts:write"]);
        body["agent"]!["actor"]!.GetValue<string>().ShouldBe("agent:scout@0.3.1");

        var agent = BuilderApi.WithKey(builder.CreateClient(), secret);
        var me = await AgentSteps.OkAsync(await agent.Http.GetAsync("/api/me"));
        me["actor"]!.GetValue<string>().ShouldBe("agent:scout@0.3.1");
        me["keyName"]!.GetValue<string>().ShouldBe("scout@0.3.1");

        var keys = await _admin.Http.GetStringAsync("/api/keys");
        keys.ShouldContain(body["key"]!["details"]!["prefix"]!.GetValue<string>());
        keys.ShouldNotContain(secret.Split('_', 3)[2], Case.Sensitive, "the secret is never listed");
        (await _admin.Http.GetStringAsync("/api/agents")).ShouldContain("agent:scout@0.3.1");

        (await _admin.Http.PostAsJsonAsync("/api/agents", new { name = "scout", version = "0.3.1" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await agent.Http.PostAsJsonAsync("/api/agents", new { name = "self", version = "1" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden,
            "registering agents needs admin");
    }

    [Fact]
    public async Task An_unknown_scope_is_a_400_that_lists_the_valid_ones()
    {
        var problem = await AgentSteps.OkAsync(await _admin.Http.PostAsJsonAsync("/api/keys", new { name = "bad", scopes = new[] { "features:read", "everything" } }),
            HttpStatusCode.BadRequest);
        problem["errors"]!["scopes"]![0]!.GetValue<string>()
            .ShouldBe("'everything' is not a scope; valid scopes are features:read, features:write, drafts:write, approvals:write, improvements:write, telemetry:write, admin.");
    }

    [Fact]
    public async Task A_key_without_approvals_write_cannot_approve_and_a_revoked_key_gets_401_at_once()
    {
        var (writer, writerId) = await builder.CreateKeyAsync(_admin, "writer", "features:read", "features:write");
        var approve = await writer.ActAsync(Guid.NewGuid(), "approve");
        approve.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await approve.Content.ReadAsStringAsync()).ShouldContain("lacks the scope");
        (await writer.Http.PostAsJsonAsync($"/api/features/{Guid.NewGuid()}/reviews", new { verdict = "approve" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await writer.Http.GetAsync("/api/features")).StatusCode.ShouldBe(HttpStatusCode.OK, "the key works (and is now cached)");
        var revoked = await AgentSteps.OkAsync(await _admin.Http.DeleteAsync($"/api/keys/{writerId}"));
        revoked["revoked"]!.GetValue<bool>().ShouldBeTrue();

        var refused = await writer.Http.GetAsync("/api/features");
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("revoked");
        (await _admin.Http.PostAsync($"/api/keys/{writerId}/revoke", null)).StatusCode.ShouldBe(HttpStatusCode.OK, "revoking twice is harmless");
    }

    [Fact]
    public async Task The_tenants_last_admin_key_cannot_be_revoked()
    {
        var other = await builder.OtherTenantAsync();
        var keys = await AgentSteps.OkAsync(await other.Http.GetAsync("/api/keys"));
        var only = keys.AsArray().Single()!["id"]!.GetValue<Guid>();
        (await other.Http.DeleteAsync($"/api/keys/{only}")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Agents_keys_and_tasks_of_another_tenant_are_404()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _admin.RegisterRepositoryAsync(repository.RemotePath);
        var (agent, agentId, keyId) = await builder.RegisterAgentAsync(_admin, "tenant-a-bot");
        var taskId = await agent.CreateTaskAsync(repositoryId, "Tenant A's task", "value.txt");
        await AgentSteps.OkAsync(await agent.UploadAsync(taskId, BuilderApi.File("value.txt", "42\n", "replace")));

        var other = await builder.OtherTenantAsync();
        (await other.Http.GetAsync($"/api/agents/{agentId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.GetStringAsync("/api/agents")).ShouldBe("[]");
        (await other.Http.GetStringAsync("/api/keys")).ShouldNotContain(keyId.ToString());
        (await other.Http.DeleteAsync($"/api/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.PostAsJsonAsync("/api/keys", new { name = "steal", scopes = new[] { "admin" }, agentId })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await other.Http.GetAsync($"/api/tasks/{taskId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.GetStringAsync("/api/tasks")).ShouldBe("[]");
        (await other.UploadAsync(taskId, BuilderApi.File("value.txt", "1\n", "replace"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.PostAsync($"/api/tasks/{taskId}/dry-run", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.PostAsJsonAsync($"/api/tasks/{taskId}/apply", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Http.PostAsJsonAsync("/api/tasks", new { repositoryId, title = "steal", scope = new[] { "**" } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await agent.Http.GetAsync($"/api/tasks/{taskId}")).StatusCode.ShouldBe(HttpStatusCode.OK, "the owner still sees it");
        (await builder.WithDbAsync(db => Task.FromResult(db.Tasks.Single(t => t.Id == taskId).Draft.Single().Content))).ShouldBe("42\n");
    }

    [Fact]
    public async Task A_body_over_an_endpoints_limit_is_a_413_problem()
    {
        var big = $"{{\"name\":\"big\",\"version\":\"1\",\"padding\":\"{new string('x', 100_000)}\"}}";
        var response = await _admin.Http.PostAsync("/api/agents", new StringContent(big, Encoding.UTF8, "application/json"));
        var problem = await AgentSteps.OkAsync(response, HttpStatusCode.RequestEntityTooLarge);
        problem["detail"]!.GetValue<string>().ShouldContain("accepts at most 65,536 bytes");
    }
}
