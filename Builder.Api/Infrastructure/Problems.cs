namespace Builder.Api.Infrastructure;

/// <summary>The problem responses the endpoints return besides validation problems.</summary>
public static class Problems
{
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    /// <summary>
    /// A sentence for the problems the framework writes itself (no route, wrong method), which
    /// otherwise carry only a title.
    /// </summary>
    public static void Describe(ProblemDetailsContext context)
    {
        var request = context.HttpContext.Request;
        context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing is at {request.Path}; an id in the path must be a UUID.",
            StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON sent as Content-Type: application/json.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not an operation of {request.Path}.",
            StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => null,
            >= 400 and < 500 and var status => $"The request was refused ({status}).",
            _ => null,
        };
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);
}
