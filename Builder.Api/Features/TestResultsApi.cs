using System.Text.Json;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Artifacts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Features;

public static class TestResultsApi
{
    public static RouteHandlerBuilder MapTestResultsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/features/{id:guid}/tests", GetTests)
            .RequireAuthorization(ApiScopes.FeaturesRead)
            .WithTags("Features")
            .WithSummary("Per-test outcomes of the last verification: the change, the base commit, the change's tests on the base, and the test-integrity verdict.");

    public static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> GetTests(Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        if (!await db.Features.OfTenant(tenantId, id).AnyAsync(cancellationToken))
            return FeaturesApi.NotFound(id);

        var stored = await db.Artifacts.AsNoTracking()
            .Where(a => a.FeatureId == id && a.Name == ArtifactNames.TestResults)
            .Select(a => a.Content)
            .FirstOrDefaultAsync(cancellationToken);
        return stored is null
            ? Problems.NotFound($"Feature {id} has no test results yet: they are recorded when Verify has run the tests.")
            : TypedResults.Ok(JsonDocument.Parse(stored).RootElement.Clone());
    }

    /// <summary>The counts and verdict for the feature's detail, or null before Verify ran.</summary>
    public static TestSummaryView? Summary(byte[]? stored)
    {
        if (stored is null)
            return null;
        using var json = JsonDocument.Parse(stored);
        var root = json.RootElement;
        int Count(string name) => root.TryGetProperty("summary", out var s) && s.TryGetProperty(name, out var v) ? v.GetInt32() : 0;
        var verdict = root.TryGetProperty("verdict", out var v) ? v : default;
        return new TestSummaryView(Count("passed"), Count("failed"), Count("skipped"), Count("total"),
            verdict.ValueKind == JsonValueKind.Object && verdict.GetProperty("passed").GetBoolean(),
            verdict.ValueKind == JsonValueKind.Object ? verdict.GetProperty("summary").GetString() : null);
    }
}

public sealed record TestSummaryView(int Passed, int Failed, int Skipped, int Total, bool IntegrityPassed, string? Integrity);
