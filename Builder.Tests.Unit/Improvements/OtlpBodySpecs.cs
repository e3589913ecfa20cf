using System.IO.Compression;
using System.Text;
using Builder.Api.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Builder.Tests.Improvements;

public sealed class OtlpBodySpecs
{
    static HttpRequest Request(byte[] body, string? contentType = "application/json", string? encoding = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(body);
        http.Request.ContentType = contentType;
        if (encoding is not null)
            http.Request.Headers.ContentEncoding = encoding;
        return http.Request;
    }

    static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(data);
        return output.ToArray();
    }

    [Fact]
    public async Task A_json_body_is_read_plain_or_gzipped_with_a_charset()
    {
        var json = Encoding.UTF8.GetBytes("""{"resourceLogs": []}""");
        var (plain, _) = await OtlpBody.ReadAsync(Request(json, "application/json; charset=utf-8"), default);
        plain!.RootElement.GetProperty("resourceLogs").GetArrayLength().ShouldBe(0);
        var (gzipped, refusal) = await OtlpBody.ReadAsync(Request(Gzip(json), encoding: "gzip"), default);
        refusal.ShouldBeNull();
        gzipped!.RootElement.TryGetProperty("resourceLogs", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Protobuf_other_types_and_encodings_are_415_bad_gzip_and_bad_json_400_and_a_body_expanding_too_far_413()
    {
        var json = Encoding.UTF8.GetBytes("{}");
        var protobuf = (await OtlpBody.ReadAsync(Request([10, 3], "application/x-protobuf"), default)).Refusal!;
        protobuf.Status.ShouldBe(415);
        protobuf.Message.ShouldContain("OTEL_EXPORTER_OTLP_PROTOCOL=http/json");
        (await OtlpBody.ReadAsync(Request(json, null), default)).Refusal!.Status.ShouldBe(415);
        (await OtlpBody.ReadAsync(Request(json, "text/plain"), default)).Refusal!.Message.ShouldContain("not 'text/plain'");
        (await OtlpBody.ReadAsync(Request(json, encoding: "br"), default)).Refusal!.Message.ShouldBe("Content-Encoding 'br' is not supported: send the body plain or gzip-compressed.");
        (await OtlpBody.ReadAsync(Request(json, encoding: "gzip"), default)).Refusal!.Message.ShouldBe("The body is marked Content-Encoding: gzip but is not valid gzip.");

        var malformed = (await OtlpBody.ReadAsync(Request(Encoding.UTF8.GetBytes("{\"resourceLogs\": [}")), default)).Refusal!;
        malformed.Status.ShouldBe(400);
        malformed.Message.ShouldStartWith("The body is not valid JSON:");
        malformed.Message.ShouldEndWith("(line 1, byte 19).");

        var bomb = Gzip(new byte[OtlpBody.MaxExpandedBytes + 1]);
        bomb.Length.ShouldBeLessThan((int)OtlpBody.MaxBytes / 10, "a small body that would expand past the limit");
        var expanded = (await OtlpBody.ReadAsync(Request(bomb, encoding: "gzip"), default)).Refusal!;
        expanded.Status.ShouldBe(413);
        expanded.Message.ShouldContain("expands to more than");
    }
}
