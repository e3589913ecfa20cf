using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Builder.Api.Telemetry;

/// <summary>Why an export was refused: the HTTP status, a title, a sentence for the sender, and the field at fault when there is one.</summary>
public sealed record OtlpRefusal(int Status, string Title, string Message, string? Field = null)
{
    public static OtlpRefusal BadRequest(string message, string? field = null) => new(StatusCodes.Status400BadRequest, "Bad request", message, field);
}

/// <summary>
/// Reads an export's body: JSON only (Content-Type application/json), plain or gzip-compressed as the
/// OTLP/HTTP specification allows, within <see cref="MaxBytes"/> as sent and
/// <see cref="MaxExpandedBytes"/> once expanded, parsed as one JSON document.
/// </summary>
public static class OtlpBody
{
    /// <summary>Generous for an SDK's batch (512 log records with stack traces are well under it), small enough that a runaway sender cannot hold the Api's memory.</summary>
    public const long MaxBytes = 4 * 1024 * 1024;

    /// <summary>A gzip body may expand this far and no further: a small bomb must not become a large document.</summary>
    public const long MaxExpandedBytes = 16 * 1024 * 1024;

    public static async Task<(JsonDocument? Document, OtlpRefusal? Refusal)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || !string.Equals(contentType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
            return (null, new OtlpRefusal(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                string.Equals(contentType?.MediaType, "application/x-protobuf", StringComparison.OrdinalIgnoreCase)
                    ? "Builder accepts OTLP/HTTP in its JSON encoding only, not binary protobuf: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json so the exporter sends Content-Type: application/json."
                    : $"Builder accepts OTLP/HTTP in its JSON encoding only: the body must be sent as Content-Type: application/json{(request.ContentType is { Length: > 0 } sent ? $", not '{sent}'" : "")}."));

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        if (encoding.Length > 0 && !encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            return (null, new OtlpRefusal(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Content-Encoding '{encoding}' is not supported: send the body plain or gzip-compressed."));
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        var limit = gzip ? MaxExpandedBytes : MaxBytes;

        using var buffer = new MemoryStream();
        try
        {
            // The request's own stream is the server's to dispose; only the decompressor is ours.
            await using var expanded = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : null;
            var source = (Stream?)expanded ?? request.Body;
            var chunk = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                    return (null, new OtlpRefusal(StatusCodes.Status413PayloadTooLarge, "Request too large",
                        gzip
                            ? $"The body expands to more than {MaxExpandedBytes:N0} bytes; Builder accepts at most that much per export. Send smaller batches."
                            : $"The body is larger than {MaxBytes:N0} bytes, the most Builder accepts per export. Send smaller batches."));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            return (null, OtlpRefusal.BadRequest("The body is marked Content-Encoding: gzip but is not valid gzip."));
        }

        try
        {
            return (JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 64 }), null);
        }
        catch (JsonException e)
        {
            var reason = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            return (null, OtlpRefusal.BadRequest($"The body is not valid JSON: {reason} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."));
        }
    }
}
