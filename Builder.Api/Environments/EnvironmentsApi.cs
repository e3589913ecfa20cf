using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Environments;

public sealed record EnvironmentRunView(Guid FeatureId, string Title, string Repository, bool Built, DateTime At, string Url);

/// <param name="Runs">How many of the tenant's runs used the image; <paramref name="RecentRuns"/> lists the newest.</param>
/// <param name="LogUrl">The build log, kept by the tenant's run that built the image; null when the image was built before any of them used it.</param>
public sealed record EnvironmentImageView(
    string Tag, string Id, long SizeBytes, DateTime CreatedAt, DateTime LastUsedAt, IReadOnlyList<string> Repositories, int Runs,
    IReadOnlyList<EnvironmentRunView> RecentRuns, string? LogUrl);

/// <param name="Engine">Why no container engine answers; null when one does.</param>
public sealed record EnvironmentsView(IReadOnlyList<EnvironmentImageView> Images, string? Engine);

/// <summary>
/// Environment images: the workers' engine says which exist (size, creation); the tenant's own run
/// events say which of them it may see (only those its runs used), who used them, when last, and
/// which run's environment.log holds the build log. Another tenant's use of an image is never shown.
/// </summary>
public static partial class EnvironmentsApi
{
    const int RecentRuns = 10;

    public static void MapEnvironmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/environments").WithTags("Environments").RequireAuthorization(ApiScopes.FeaturesRead);
        api.MapGet("/", List)
            .WithSummary("The environment images the tenant's runs used and the engine still has: tag, size, created, last used, repositories and runs, build log link; or why there is no engine.");
        api.MapGet("/{tag}/log", Log)
            .WithSummary("The build log of an environment image (builder-env:<hash>), from the tenant's run that built it, as text.");
    }

    public static async Task<Ok<EnvironmentsView>> List(
        HttpContext http, BuilderDbContext db, IRequestClient<DescribeEnvironmentImages> workers, CancellationToken cancellationToken)
    {
        var described = (await workers.GetResponse<EnvironmentImagesDescribed>(new DescribeEnvironmentImages(), cancellationToken, RequestTimeout.After(s: 30))).Message;
        var tenantId = http.User.TenantId();
        var uses = (await UsesAsync(db, tenantId, tag: null, cancellationToken)).ToLookup(u => u.Tag);
        var onEngine = described.Images.Where(i => uses.Contains(i.Tag)).DistinctBy(i => i.Tag).ToList();

        var featureIds = onEngine.SelectMany(i => uses[i.Tag].Select(u => u.FeatureId)).Distinct().ToList();
        var features = await db.Features.AsNoTracking().Where(f => f.TenantId == tenantId && featureIds.Contains(f.Id))
            .Select(f => new { f.Id, f.Title, f.RepositoryId }).ToDictionaryAsync(f => f.Id, cancellationToken);
        var repositoryIds = features.Values.Select(f => f.RepositoryId).Distinct().ToList();
        var repositories = await db.Repositories.AsNoTracking().Where(r => r.TenantId == tenantId && repositoryIds.Contains(r.Id))
            .ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);

        var images = onEngine.Select(image =>
        {
            var used = uses[image.Tag].OrderByDescending(u => u.At).ToList();
            var runs = used.DistinctBy(u => u.FeatureId).Where(u => features.ContainsKey(u.FeatureId)).Select(u =>
            {
                var feature = features[u.FeatureId];
                return new EnvironmentRunView(u.FeatureId, feature.Title, repositories.GetValueOrDefault(feature.RepositoryId, "(removed)"),
                    used.Any(b => b.Built && b.FeatureId == u.FeatureId), u.At, $"/api/features/{u.FeatureId}");
            }).ToList();
            return new EnvironmentImageView(image.Tag, image.Id, image.SizeBytes, image.CreatedAt, used[0].At,
                runs.Select(r => r.Repository).Distinct().Order(StringComparer.Ordinal).ToList(), runs.Count, runs.Take(RecentRuns).ToList(),
                used.Any(u => u.Built) ? $"/api/environments/{image.Tag}/log" : null);
        }).OrderByDescending(i => i.LastUsedAt).ToList();
        return TypedResults.Ok(new EnvironmentsView(images, described.Engine));
    }

    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> Log(
        string tag, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var match = TagPattern().Match(tag);
        if (!match.Success)
            return new Validation().Add("tag", $"'{Shorten(tag)}' is not an environment image's tag: it is builder-env:<hash> (or the hash alone), as GET /api/environments lists it.").Problem();
        var image = $"builder-env:{match.Groups["hash"].Value}";

        var tenantId = http.User.TenantId();
        var uses = await UsesAsync(db, tenantId, image, cancellationToken);
        foreach (var built in uses.Where(u => u.Built).OrderByDescending(u => u.At))
        {
            var log = await db.Artifacts.AsNoTracking()
                .Where(a => a.FeatureId == built.FeatureId && a.TenantId == tenantId && a.Name == ArtifactNames.EnvironmentLog)
                .Select(a => a.Content).FirstOrDefaultAsync(cancellationToken);
            if (log is not null)
                return TypedResults.Text(Encoding.UTF8.GetString(log), "text/plain; charset=utf-8");
        }

        return Problems.NotFound(uses.Count == 0
            ? $"None of your runs used the environment image {image}."
            : $"The environment image {image} was built before your runs used it (they reused it), so none of them holds its build log.");
    }

    /// <summary>One run's use of an image, from its environment.image_built or environment.image_reused event.</summary>
    sealed record ImageUse(string Tag, Guid FeatureId, bool Built, DateTime At);

    static async Task<List<ImageUse>> UsesAsync(BuilderDbContext db, Guid tenantId, string? tag, CancellationToken cancellationToken)
    {
        var events = db.FeatureEvents.AsNoTracking()
            .Where(e => e.TenantId == tenantId && (e.Type == EventTypes.EnvironmentImageBuilt || e.Type == EventTypes.EnvironmentImageReused));
        if (tag is not null)
            events = events.Where(e => e.Payload.Contains(tag));
        var rows = await events.Select(e => new { e.FeatureId, e.Type, e.Payload, e.Timestamp }).ToListAsync(cancellationToken);
        return rows
            .Select(r => new ImageUse(ImageOf(r.Payload) ?? "", r.FeatureId, r.Type == EventTypes.EnvironmentImageBuilt, r.Timestamp))
            .Where(u => u.Tag.Length > 0 && (tag is null || u.Tag == tag))
            .ToList();
    }

    static string? ImageOf(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.TryGetProperty("image", out var image) && image.ValueKind == JsonValueKind.String ? image.GetString() : null;
    }

    static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [GeneratedRegex("^(builder-env:)?(?<hash>[0-9a-f]{8,64})$")]
    private static partial Regex TagPattern();
}
