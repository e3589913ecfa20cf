using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>What an application adds to its /health answer besides the checks (the Api: runs in flight).</summary>
public interface IHealthDetails
{
    Task<IReadOnlyDictionary<string, object?>> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Writes a health report as JSON: overall status, which service and version answers, when, each check's
/// status and description, and the application's own details.
/// </summary>
static class HealthResponse
{
    static readonly string Version =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["service"] = context.RequestServices.GetService<IHostEnvironment>()?.ApplicationName,
            ["version"] = Version,
            ["timestamp"] = DateTimeOffset.UtcNow,
            ["durationMs"] = report.TotalDuration.TotalMilliseconds,
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = e.Value.Duration.TotalMilliseconds,
            }),
        };
        foreach (var details in context.RequestServices.GetServices<IHealthDetails>())
            foreach (var (name, value) in await details.ReadAsync(context.RequestAborted))
                body[name] = value;
        await context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
