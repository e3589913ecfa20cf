using Microsoft.AspNetCore.Http.Metadata;

namespace Builder.Api.Infrastructure;

/// <summary>
/// Per-endpoint request body limits below Kestrel's 32 MB: a small JSON command has no business
/// being megabytes long. Routing hands the limit to the server, which enforces it while the body is
/// read (a chunked body too); a declared Content-Length over it is answered 413 before anything is read.
/// </summary>
public static class RequestLimits
{
    public const long Small = 64 * 1024;
    public const long Medium = 1024 * 1024;

    /// <summary>Draft uploads carry whole files; the server-wide 32 MB limit is theirs.</summary>
    public const long Large = 32 * 1024 * 1024;

    public static TBuilder WithRequestSizeLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestSizeLimit(bytes))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status413PayloadTooLarge, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));

    public static IApplicationBuilder UseRequestSizeLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (limit is not { } max)
        {
            await next(context);
            return;
        }

        if (context.Request.ContentLength > max)
        {
            await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large",
                detail: $"The request body is {context.Request.ContentLength:N0} bytes; this operation accepts at most {max:N0} bytes.").ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    sealed record RequestSizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
