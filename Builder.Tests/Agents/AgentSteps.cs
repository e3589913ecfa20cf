using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Builder.Core.Domain;
using Builder.Core.Security;
using Builder.Tests.Support;

namespace Builder.Tests.Agents;

/// <summary>What the agent tests do through the API, one call each, failing with the response body when a call fails.</summary>
public static class AgentSteps
{
    public static async Task<(BuilderApi Api, Guid AgentId, Guid KeyId)> RegisterAgentAsync(
        this EmbeddedBuilder builder, BuilderApi admin, string name, string version = "1.0", params string[] scopes)
    {
        var body = await OkAsync(await admin.Http.PostAsJsonAsync("/api/agents", new { name, version, scopes = scopes.Length == 0 ? null : scopes }),
            HttpStatusCode.Created);
        var key = body["key"]!["key"]!.GetValue<string>();
        return (BuilderApi.WithKey(builder.CreateClient(), key), body["agent"]!["id"]!.GetValue<Guid>(), body["key"]!["details"]!["id"]!.GetValue<Guid>());
    }

    public static async Task<(BuilderApi Api, Guid KeyId)> CreateKeyAsync(this EmbeddedBuilder builder, BuilderApi admin, string name, params string[] scopes)
    {
        var body = await OkAsync(await admin.Http.PostAsJsonAsync("/api/keys", new { name, scopes }), HttpStatusCode.Created);
        return (BuilderApi.WithKey(builder.CreateClient(), body["key"]!.GetValue<string>()), body["details"]!["id"]!.GetValue<Guid>());
    }

    /// <summary>An admin key of a second tenant, made directly in the database (there is no API to create tenants).</summary>
    public static async Task<BuilderApi> OtherTenantAsync(this EmbeddedBuilder builder)
    {
        var key = await builder.WithDbAsync(async db =>
        {
            var tenant = new Tenant { Name = $"other-{Guid.NewGuid():N}" };
            var (secret, prefix, hash) = ApiKeyGenerator.Create();
            db.Tenants.Add(tenant);
            db.ApiKeys.Add(new ApiKey { TenantId = tenant.Id, Name = "other-admin", Prefix = prefix, Hash = hash, Scopes = ApiScopes.Admin });
            await db.SaveChangesAsync();
            return secret;
        });
        return BuilderApi.WithKey(builder.CreateClient(), key);
    }

    public static async Task<Guid> CreateTaskAsync(this BuilderApi api, Guid repositoryId, string title, params string[] scope)
    {
        var body = await OkAsync(await api.Http.PostAsJsonAsync("/api/tasks", new { repositoryId, title, description = $"{title}.", scope, plan = "Write the summary." }),
            HttpStatusCode.Created);
        return body["id"]!.GetValue<Guid>();
    }

    public static Task<HttpResponseMessage> UploadAsync(this BuilderApi api, Guid taskId, params object[] files) =>
        api.Http.PostAsJsonAsync($"/api/tasks/{taskId}/drafts", files);

    public static async Task<JsonNode> OkAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}: {body}");
        return JsonNode.Parse(body)!;
    }
}
