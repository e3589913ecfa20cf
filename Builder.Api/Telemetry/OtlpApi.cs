using System.Text.Json.Serialization;
using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Builder.Api.Telemetry;

/// <summary>An Export*ServiceResponse: empty on full success; partialSuccess when some items were refused.</summary>
public sealed record OtlpExportResponse([property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OtlpPartialSuccess? PartialSuccess);

/// <summary>How many items were refused and why; the count is int64, which OTLP's JSON writes as a string; only the signal's own field is written.</summary>
public sealed record OtlpPartialSuccess(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RejectedDataPoints,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RejectedLogRecords,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RejectedSpans,
    string ErrorMessage);

/// <summary>
/// OTLP/HTTP with JSON bodies, so a deployed service's OpenTelemetry SDK can send its own metrics, logs
/// and traces to Builder (OTEL_EXPORTER_OTLP_ENDPOINT=&lt;builder&gt;/api/services/&lt;name&gt;/otlp). The
/// key needs telemetry:write. Refusals are problem documents that also carry "message", the field an
/// OTLP exporter reads from a google.rpc.Status.
/// </summary>
public static class OtlpApi
{
    public static void MapOtlpApi(this IEndpointRouteBuilder app)
    {
        var otlp = app.MapGroup("/api/services/{name}/otlp/v1").WithTags("Services").RequireAuthorization(ApiScopes.TelemetryWrite)
            .WithRequestSizeLimit(OtlpBody.MaxBytes);
        otlp.MapPost("/metrics", (string name, HttpContext http, OtlpIngestion ingestion, CancellationToken cancellationToken) =>
                ExportAsync(name, OtlpSignal.Metrics, http, ingestion, cancellationToken))
            .WithSummary("OTLP/HTTP JSON ExportMetricsServiceRequest: gauges, sums and histograms kept as metric signals of the version service.version names (else the live one).");
        otlp.MapPost("/logs", (string name, HttpContext http, OtlpIngestion ingestion, CancellationToken cancellationToken) =>
                ExportAsync(name, OtlpSignal.Logs, http, ingestion, cancellationToken))
            .WithSummary("OTLP/HTTP JSON ExportLogsServiceRequest: records with exception.type grouped by type, records of severity ERROR or worse grouped as error lines.");
        otlp.MapPost("/traces", (string name, HttpContext http, OtlpIngestion ingestion, CancellationToken cancellationToken) =>
                ExportAsync(name, OtlpSignal.Traces, http, ingestion, cancellationToken))
            .WithSummary("OTLP/HTTP JSON ExportTraceServiceRequest: spans counted, failed spans grouped by name, exception events by type, server span durations as percentiles.");
    }

    public static async Task<Results<Ok<OtlpExportResponse>, ProblemHttpResult>> ExportAsync(
        string name, OtlpSignal signal, HttpContext http, OtlpIngestion ingestion, CancellationToken cancellationToken)
    {
        var (document, unreadable) = await OtlpBody.ReadAsync(http.Request, cancellationToken);
        if (unreadable is not null)
            return Problem(unreadable);
        OtlpExport export;
        using (document)
        {
            try
            {
                export = signal.Read(document!.RootElement);
            }
            catch (OtlpFormatException e)
            {
                return Problem(OtlpRefusal.BadRequest(e.Message, e.Field));
            }
        }

        var outcome = await ingestion.StoreAsync(http.User.TenantId(), name, signal, export, cancellationToken);
        if (outcome.Refusal is { } refusal)
            return Problem(refusal);
        if (export.Rejected == 0)
            return TypedResults.Ok(new OtlpExportResponse(null));
        var rejected = export.Rejected.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(new OtlpExportResponse(new OtlpPartialSuccess(
            signal == OtlpSignal.Metrics ? rejected : null, signal == OtlpSignal.Logs ? rejected : null, signal == OtlpSignal.Traces ? rejected : null,
            export.RejectionReason ?? "Some items were not kept.")));
    }

    static ProblemHttpResult Problem(OtlpRefusal refusal)
    {
        var extensions = new Dictionary<string, object?> { ["message"] = refusal.Message };
        if (refusal.Field is { Length: > 0 } field)
            extensions["errors"] = new Dictionary<string, string[]> { [field] = [refusal.Message] };
        return TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Message, extensions: extensions);
    }
}
