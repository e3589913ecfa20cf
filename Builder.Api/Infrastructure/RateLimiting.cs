using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Builder.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Builder.Api.Infrastructure;

/// <summary>The "Builder:RateLimits" section: a token bucket per API key.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Builder:RateLimits";

    /// <summary>Requests a key may make per second, sustained.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests a key may make at once after being idle.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 100;
}

/// <summary>
/// Rate limits per API key (the key id from the authentication claims), so one noisy client cannot
/// starve the others. Anonymous endpoints — health, the OpenAPI document — are not limited, and a
/// request without a valid key is refused by authorization anyway. A refused request gets 429 with
/// Retry-After and a problem details body.
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddKeyRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var key = http.User.FindFirst(BuilderClaims.KeyId)?.Value;
                if (key is null || http.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
                    return RateLimitPartition.GetNoLimiter("unlimited");
                var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.Burst,
                    TokensPerPeriod = limits.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                        detail: $"This API key has used its requests for now; retry after {seconds} second(s).")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>Declares the 429 every limited endpoint can answer, for the OpenAPI document.</summary>
    public static RouteGroupBuilder WithRateLimitResponses(this RouteGroupBuilder group) =>
        group.ProducesProblem(StatusCodes.Status429TooManyRequests);
}
