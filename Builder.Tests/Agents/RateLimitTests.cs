using System.Net;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Agents;

/// <summary>The Api with a low per-key limit: 5 requests per second, 5 at once.</summary>
public sealed class RateLimitedBuilder : IDisposable
{
    public EmbeddedBuilder Builder { get; } = EmbeddedBuilder.With(new Dictionary<string, string?>
    {
        ["Builder:RateLimits:PermitsPerSecond"] = "5",
        ["Builder:RateLimits:Burst"] = "5",
    });

    public void Dispose() => Builder.Dispose();
}

public sealed class RateLimitTests(RateLimitedBuilder fixture) : IClassFixture<RateLimitedBuilder>
{
    readonly EmbeddedBuilder builder = fixture.Builder;

    [Fact]
    public async Task A_hundred_requests_in_a_second_from_one_key_get_429_with_Retry_After_and_another_key_is_unaffected()
    {
        var admin = builder.Admin();
        var (noisy, _) = await builder.CreateKeyAsync(admin, "noisy", "features:read");
        var (quiet, _) = await builder.CreateKeyAsync(admin, "quiet", "features:read");
        await Task.Delay(1100); // let the admin's own bucket refill; the new keys start full

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => noisy.Http.GetAsync("/api/features")));
        var quietResponses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => quiet.Http.GetAsync("/api/features")));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.Count.ShouldBeGreaterThanOrEqualTo(80, $"statuses: {string.Join(",", responses.Select(r => (int)r.StatusCode))}");
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeGreaterThanOrEqualTo(5, "the burst goes through");
        foreach (var response in limited)
        {
            response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeGreaterThanOrEqualTo(1);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        var problem = JsonNode.Parse(await limited[0].Content.ReadAsStringAsync())!;
        problem["status"]!.GetValue<int>().ShouldBe(429);
        problem["detail"]!.GetValue<string>().ShouldContain("retry after");
        quietResponses.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.OK, "another key has its own bucket");

        var health = builder.CreateClient();
        health.DefaultRequestHeaders.Authorization = noisy.Http.DefaultRequestHeaders.Authorization;
        (await health.GetAsync("/alive")).StatusCode.ShouldBe(HttpStatusCode.OK, "health endpoints are not limited");

        await Task.Delay(1100);
        (await noisy.Http.GetAsync("/api/features")).StatusCode.ShouldBe(HttpStatusCode.OK, "the bucket refills");
    }

    [Fact]
    public async Task The_OpenAPI_document_declares_429_with_Retry_After_and_413_where_bodies_are_limited()
    {
        var document = JsonNode.Parse(await builder.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!;
        var submit = paths["/api/features"]!["post"]!["responses"]!;
        submit["429"]!["headers"]!["Retry-After"].ShouldNotBeNull();
        paths["/api/tasks/{id}/drafts"]!["post"]!["responses"]!["413"].ShouldNotBeNull();
        paths["/api/agents"]!["post"]!["responses"]!["413"].ShouldNotBeNull();
        paths["/api/features/{id}/reviews"]!["post"]!["responses"]!["429"].ShouldNotBeNull();
        paths["/api/features/{id}/stream"]!["get"]!["responses"]!["200"]!["content"]!["text/event-stream"].ShouldNotBeNull();
    }
}
