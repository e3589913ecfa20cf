using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Builder.Api.Infrastructure;

/// <summary>
/// Turns a request the framework could not read (malformed JSON, a wrong type, a body over the size
/// limit) into a ProblemDetails that says what was wrong, instead of an empty 400 or a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
            return false;

        var detail = bad.InnerException switch
        {
            JsonException json => $"The request body is not valid JSON for this operation: {json.Message}",
            { } inner => $"{bad.Message} {inner.Message}",
            null => bad.Message,
        };
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = bad.StatusCode, Title = bad.StatusCode == 413 ? "Request too large" : "Bad request", Detail = detail },
            Exception = exception,
        });
    }
}
