using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Builder.Api.Components;

/// <summary>New services generated from requirements (or a SPEC document), deployed by a governed run.</summary>
public static class ComponentsApi
{
    public static void MapComponentsApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/components", Generate).WithTags("Components").RequireAuthorization(ApiScopes.ImprovementsWrite)
            .WithRequestSizeLimit(RequestLimits.Medium)
            .WithSummary("Generate a service {name, description, capabilities?, runtime? (node, python), spec?, hosting? {host, owner?, token, visibility?}}: "
                         + "a new repository (local, or on GitHub/GitLab with hosting) seeded from the runtime's template "
                         + "(the five service endpoints), registered, and a run that implements the requirements and deploys it.");

    public static async Task<Results<Created<ComponentCreated>, ValidationProblem, ProblemHttpResult>> Generate(
        GenerateComponentRequest? request, HttpContext http, ComponentGenerator generator, CancellationToken cancellationToken)
    {
        var outcome = await generator.GenerateAsync(request ?? new GenerateComponentRequest(null, null, null, null, null), http.User, cancellationToken);
        if (outcome.Invalid is { } invalid)
            return invalid.Problem();
        if (outcome.Refused is { } refused)
            return TypedResults.Problem(statusCode: refused.Status, title: refused.Title, detail: refused.Detail);
        return TypedResults.Created(outcome.Created!.FeatureUrl, outcome.Created);
    }
}
