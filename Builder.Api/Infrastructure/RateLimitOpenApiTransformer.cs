using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Builder.Api.Infrastructure;

/// <summary>Documents the Retry-After header of every 429 response.</summary>
public sealed class RateLimitOpenApiTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.Responses?.TryGetValue("429", out var response) == true && response is OpenApiResponse tooMany)
        {
            tooMany.Description = "Too many requests for this API key; retry after the number of seconds in Retry-After.";
            tooMany.Headers ??= new Dictionary<string, IOpenApiHeader>();
            tooMany.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before the next request.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
        }

        if (operation.Responses?.TryGetValue("413", out var large) == true && large is OpenApiResponse tooLarge)
            tooLarge.Description = "The request body is larger than this operation accepts.";
        return Task.CompletedTask;
    }
}
