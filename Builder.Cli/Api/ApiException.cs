using System.Net;
using System.Text.Json.Nodes;

namespace Builder.Cli.Api;

/// <summary>The API answered with an error; <see cref="Problem"/> is its RFC 7807 problem details body when it sent one.</summary>
public sealed class ApiException(HttpStatusCode status, JsonNode? problem, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
    public JsonNode? Problem { get; } = problem;

    /// <summary>Field by field, as a validation problem lists them.</summary>
    public IEnumerable<(string Field, string Message)> Errors =>
        Problem?["errors"] is JsonObject errors
            ? errors.SelectMany(e => (e.Value as JsonArray ?? []).Select(m => (e.Key, m?.ToString() ?? "")))
            : [];
}
