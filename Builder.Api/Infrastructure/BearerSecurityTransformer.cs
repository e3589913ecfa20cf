using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Builder.Api.Infrastructure;

/// <summary>Declares the API-key bearer scheme in the OpenAPI document, so clients and the browsable UI can send it.</summary>
public sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Builder API";
        document.Info.Description = "Submit feature requests against registered git repositories and follow, gate and control their runs. " +
                                    "Every call needs 'Authorization: Bearer <api key>'. Errors are RFC 7807 problem details.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A Builder API key: bld_<prefix>_<secret>.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
        return Task.CompletedTask;
    }
}
