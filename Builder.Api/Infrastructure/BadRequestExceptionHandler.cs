using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Builder.Api.Infrastructure;

/// <summary>
/// Turns a request the framework could not read (malformed JSON, a wrong type, an unknown field or
/// enum name, a missing body, a query value that is not a number, a body over the size limit) into a
/// problem document in Builder's words that names the field, instead of the framework's message, an
/// empty 400 or a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems, IOptions<JsonOptions> json) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
            return false;

        var unreadable = UnreadableRequest.From(bad, json.Value.SerializerOptions);
        var problem = new HttpValidationProblemDetails
        {
            Status = unreadable.Status,
            Title = unreadable.Status switch
            {
                StatusCodes.Status413PayloadTooLarge => "Request too large",
                StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                _ => "Bad request",
            },
            Detail = unreadable.Message,
        };
        if (unreadable.Field is { } field)
            problem.Errors[field] = [unreadable.Message];
        context.Response.StatusCode = unreadable.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
