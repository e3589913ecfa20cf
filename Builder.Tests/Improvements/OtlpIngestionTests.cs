using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Builder.Core.Domain;
using Builder.Core.Security;
using Builder.Tests.Support;

namespace Builder.Tests.Improvements;

/// <summary>The embedded Builder listening on a loopback port, so exports arrive over real HTTP as an SDK's would.</summary>
public sealed class ListeningBuilder : IDisposable
{
    public EmbeddedBuilder Builder { get; } = new();

    public ListeningBuilder()
    {
        Builder.UseKestrel(0);
        Builder.StartServer();
    }

    public void Dispose() => Builder.Dispose();
}

/// <summary>
/// A deployed service sending its own telemetry over OTLP/HTTP JSON, with bodies shaped as the
/// OpenTelemetry JavaScript SDK's http/json exporters send them: stored per version, shown by the
/// telemetry API, read by an improvement cycle; and every way an export is refused.
/// </summary>
public sealed class OtlpIngestionTests(ListeningBuilder listening) : IClassFixture<ListeningBuilder>
{
    const string LiveSha = "bbbbbbbb22222222cccccccc33333333dddddddd";
    const string OldSha = "aaaaaaaa11111111cccccccc33333333dddddddd";
    EmbeddedBuilder Builder => listening.Builder;

    sealed record Tenant(BuilderApi Admin, string Service, Guid ServiceId);

    /// <summary>A tenant of its own (flags and keys stay in it) with a service whose version 2 is live and version 1 was replaced.</summary>
    async Task<Tenant> NewTenantAsync(bool live = true)
    {
        var service = $"orders-{Guid.NewGuid():N}"[..20];
        var (admin, serviceId) = await Builder.WithDbAsync(async db =>
        {
            var tenant = new Core.Domain.Tenant { Name = $"tenant-{Guid.NewGuid():N}"[..20] };
            var (key, prefix, hash) = ApiKeyGenerator.Create();
            db.Tenants.Add(tenant);
            db.ApiKeys.Add(new ApiKey { TenantId = tenant.Id, Name = "admin", Prefix = prefix, Hash = hash, Scopes = ApiScopes.Admin });
            // No repository behind it: a cycle records the opportunity but cannot start a run on it, which is all these tests need.
            var deployed = new DeployedService { TenantId = tenant.Id, RepositoryId = Guid.NewGuid(), Name = service, Target = "local", StableUrl = $"http://127.0.0.1:9/services/{service}/" };
            var replaced = new ServiceVersion
            {
                TenantId = tenant.Id, ServiceId = deployed.Id, Number = 1, CommitSha = OldSha, ReleaseFolder = "/r/1", DeployedBy = "key:admin",
                State = ServiceVersionState.Stopped, LiveAt = DateTime.UtcNow.AddHours(-2),
            };
            var current = new ServiceVersion
            {
                TenantId = tenant.Id, ServiceId = deployed.Id, Number = 2, CommitSha = LiveSha, ReleaseFolder = "/r/2", DeployedBy = "key:admin",
                State = live ? ServiceVersionState.Live : ServiceVersionState.Stopped, LiveAt = DateTime.UtcNow.AddHours(-1),
            };
            deployed.LiveVersionId = live ? current.Id : null;
            db.Services.Add(deployed);
            db.ServiceVersions.AddRange(replaced, current);
            await db.SaveChangesAsync();
            return (key, deployed.Id);
        });
        return new Tenant(Client(admin), service, serviceId);
    }

    BuilderApi Client(string key) => BuilderApi.WithKey(Builder.CreateClient(), key);

    static async Task<BuilderApi> KeyAsync(Tenant tenant, params string[] scopes)
    {
        var created = await tenant.Admin.Http.PostAsJsonAsync("/api/keys", new { name = $"svc-{Guid.NewGuid():N}"[..16], scopes });
        var body = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return BuilderApi.WithKey(new HttpClient { BaseAddress = tenant.Admin.Http.BaseAddress }, JsonNode.Parse(body)!["key"]!.GetValue<string>());
    }

    static async Task<(HttpStatusCode Status, string? ContentType, string Body)> ExportAsync(BuilderApi client, string service, string signal, string json,
        string contentType = "application/json", bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/services/{service}/otlp/v1/{signal}")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.UserAgent.ParseAdd("OTel-OTLP-Exporter-JavaScript/0.57.0");
        // The server refuses an oversized body from its Content-Length alone and closes the connection; waiting for
        // "100 Continue" lets the client read that answer instead of failing to send the rest.
        request.Headers.ExpectContinue = expectContinue;
        using var response = await client.Http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    static string Now(int secondsAgo = 0) => ((DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToUnixTimeMilliseconds()) * 1_000_000).ToString();

    /// <summary>A JSON template with @name@ placeholders filled in (raw JSON is easier to read than interpolation braces).</summary>
    static string Fill(string template, params (string Name, string Value)[] values) =>
        values.Aggregate(template, (text, v) => text.Replace($"@{v.Name}@", v.Value));

    static string Resource(string? version) => Fill("""
        {"attributes": [
          {"key": "service.name", "value": {"stringValue": "orders"}},@version@
          {"key": "telemetry.sdk.language", "value": {"stringValue": "nodejs"}},
          {"key": "telemetry.sdk.name", "value": {"stringValue": "opentelemetry"}},
          {"key": "telemetry.sdk.version", "value": {"stringValue": "2.0.1"}},
          {"key": "process.pid", "value": {"intValue": 4242}}
        ], "droppedAttributesCount": 0}
        """, ("version", version is null ? "" : $"{{\"key\": \"service.version\", \"value\": {{\"stringValue\": \"{version}\"}}}},"));

    static string Metrics(string? version, string queued = "\"3\"") => Fill("""
        {"resourceMetrics": [{"resource": @resource@, "scopeMetrics": [{"scope": {"name": "orders", "version": ""}, "metrics": [
          {"name": "orders.queue.length", "description": "Orders waiting", "unit": "1", "gauge": {"dataPoints": [
            {"attributes": [], "startTimeUnixNano": "@start@", "timeUnixNano": "@now@", "asInt": @queued@}]}},
          {"name": "http.server.duration", "description": "Measures the duration of inbound HTTP requests.", "unit": "ms", "histogram": {"aggregationTemporality": 2, "dataPoints": [
            {"attributes": [{"key": "http.method", "value": {"stringValue": "GET"}}, {"key": "http.status_code", "value": {"intValue": 500}}],
             "startTimeUnixNano": "@start@", "timeUnixNano": "@now@", "count": 8, "sum": 412.5, "min": 3.2, "max": 180.4,
             "bucketCounts": [0, 2, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "explicitBounds": [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]}]}}
        ]}]}]}
        """, ("resource", Resource(version)), ("start", Now(60)), ("now", Now()), ("queued", queued));

    static string Record(int secondsAgo, int severity, string text, string body, string? exception = null, string? message = null) => Fill("""
        {"timeUnixNano": "@time@", "observedTimeUnixNano": "@time@", "severityNumber": @severity@, "severityText": "@text@",
         "body": {"stringValue": "@body@"}, "attributes": [@attributes@], "droppedAttributesCount": 0, "flags": 1,
         "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174"}
        """, ("time", Now(secondsAgo)), ("severity", severity.ToString()), ("text", text), ("body", body), ("attributes", exception is null ? "" : Fill("""
           {"key": "exception.type", "value": {"stringValue": "@type@"}},
           {"key": "exception.message", "value": {"stringValue": "@message@"}},
           {"key": "exception.stacktrace", "value": {"stringValue": "@type@: @message@\n    at list (/srv/orders/server.js:41:18)"}}
           """, ("type", exception), ("message", message ?? ""))));

    static string Logs(string? version, params string[] records) => Fill("""
        {"resourceLogs": [{"resource": @resource@, "scopeLogs": [{"scope": {"name": "orders"}, "logRecords": [@records@]}]}]}
        """, ("resource", Resource(version)), ("records", string.Join(",", records)));

    static string FailingOrders(int secondsAgo) => Record(secondsAgo, 17, "ERROR", "GET /orders failed", "TypeError", "orders is not iterable");

    async Task<JsonNode> TelemetryAsync(Tenant tenant) =>
        JsonNode.Parse(await tenant.Admin.Http.GetStringAsync($"/api/services/{tenant.Service}/telemetry?hours=1"))!;

    [Fact]
    public async Task Otlp_metrics_and_logs_are_stored_per_version_shown_with_the_services_telemetry_and_a_recurring_exception_becomes_an_opportunity()
    {
        var tenant = await NewTenantAsync();
        var service = await KeyAsync(tenant, "telemetry:write");
        service.Http.BaseAddress!.Host.ShouldBe("127.0.0.1", "over real HTTP");

        // Version 1 (by its short sha) still reports; version 2, live, fails.
        var metrics = await ExportAsync(service, tenant.Service, "metrics", Metrics(OldSha[..7]));
        metrics.ShouldBe((HttpStatusCode.OK, "application/json", "{}"));
        (await ExportAsync(service, tenant.Service, "logs", Logs(LiveSha, FailingOrders(30), FailingOrders(20), FailingOrders(10),
            Record(9, 9, "INFO", "GET /health ok")))).Status.ShouldBe(HttpStatusCode.OK);
        (await ExportAsync(service, tenant.Service, "logs", Logs(null, FailingOrders(8), FailingOrders(6), FailingOrders(4),
            Record(3, 17, "ERROR", "payment provider timed out after 3012 ms")))).Status.ShouldBe(HttpStatusCode.OK);

        var telemetry = await TelemetryAsync(tenant);
        var samples = telemetry["samples"]!.AsArray().Select(s => s!).Where(s => (string?)s["source"] == "otlp").ToList();
        samples.Count.ShouldBe(3);
        var stored = samples.Single(s => (string?)s["endpoint"] == "/v1/metrics");
        stored["version"]!.GetValue<int>().ShouldBe(1);
        var signals = stored["signals"]!.AsArray().ToDictionary(s => (string)s!["key"]!, s => s!["value"]!.GetValue<double>());
        signals["orders.queue.length"].ShouldBe(3);
        signals["http.server.duration_count{http.method=\"GET\",http.status_code=\"500\"}"].ShouldBe(8);
        signals["http.server.duration_p95{http.method=\"GET\",http.status_code=\"500\"}"].ShouldBe(50);
        var logs = samples.Where(s => (string?)s["endpoint"] == "/v1/logs").ToList();
        logs.Select(s => s["version"]!.GetValue<int>()).ShouldBe([2, 2], "named by its full sha, and with no service.version: the live version");
        logs.Sum(s => s["requests"]!.GetValue<int>()).ShouldBe(8);
        var exceptions = logs.SelectMany(s => s["signals"]!.AsArray()).Where(s => (string?)s!["kind"] == "exception").ToList();
        exceptions.Select(s => (string?)s!["key"]).Distinct().ShouldBe(["TypeError"]);
        exceptions.Sum(s => s!["value"]!.GetValue<int>()).ShouldBe(6);
        exceptions[0]!["example"]!.GetValue<string>().ShouldBe("TypeError: orders is not iterable");
        logs.SelectMany(s => s["signals"]!.AsArray()).ShouldContain(s => (string?)s!["kind"] == "error" && (string?)s["key"] == "payment provider timed out after # ms");
        telemetry["sources"]!.AsArray().Where(s => (string?)s!["source"] == "otlp").Select(s => s!["version"]!.GetValue<int>()).ShouldBe([1, 2], ignoreOrder: true);

        // A point without a usable value is refused on its own, the rest kept: OTLP's partial success.
        var partial = await ExportAsync(service, tenant.Service, "metrics", Metrics(null, queued: "\"NaN\"").Replace("\"asInt\": \"NaN\"", "\"asDouble\": \"NaN\""));
        partial.Status.ShouldBe(HttpStatusCode.OK);
        var success = JsonNode.Parse(partial.Body)!["partialSuccess"]!;
        success["rejectedDataPoints"]!.GetValue<string>().ShouldBe("1");
        success["errorMessage"]!.GetValue<string>().ShouldContain("orders.queue.length");

        var started = await tenant.Admin.Http.PostAsJsonAsync("/api/improvements/cycles", new { analysisWindowHours = 1, maxImprovements = 1, services = new[] { tenant.Service } });
        var cycle = JsonNode.Parse(await started.Content.ReadAsStringAsync())!;
        started.StatusCode.ShouldBe(HttpStatusCode.Created, cycle.ToJsonString());
        var opportunity = cycle["opportunities"]!.AsArray().Single(o => (string?)o!["kind"] == "recurring-exception")!;
        opportunity["summary"]!.GetValue<string>().ShouldBe($"{tenant.Service} raised TypeError 6 times in the window");
        opportunity["evidence"]!["version"]!.GetValue<int>().ShouldBe(2);
        opportunity["evidence"]!["logExcerpts"]!.AsArray().Single()!.GetValue<string>().ShouldBe("TypeError: orders is not iterable");
    }

    [Fact]
    public async Task Exports_are_refused_for_a_missing_scope_another_tenants_service_protobuf_bad_json_and_too_large_a_body_and_nothing_is_stored()
    {
        var tenant = await NewTenantAsync();
        var service = await KeyAsync(tenant, "telemetry:write");
        var reader = await KeyAsync(tenant, "features:read", "features:write");
        var other = await NewTenantAsync();
        var otherService = await KeyAsync(other, "telemetry:write");
        var logs = Logs(LiveSha, FailingOrders(1));

        (await ExportAsync(reader, tenant.Service, "logs", logs)).Status.ShouldBe(HttpStatusCode.Forbidden);
        var elsewhere = await ExportAsync(otherService, tenant.Service, "logs", logs);
        elsewhere.Status.ShouldBe(HttpStatusCode.NotFound);
        elsewhere.Body.ShouldContain($"No service named '{tenant.Service}' is deployed in this tenant.");

        var protobuf = await ExportAsync(service, tenant.Service, "metrics", "\n\u0003abc", "application/x-protobuf");
        protobuf.Status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        JsonNode.Parse(protobuf.Body)!["message"]!.GetValue<string>().ShouldBe(
            "Builder accepts OTLP/HTTP in its JSON encoding only, not binary protobuf: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json so the exporter sends Content-Type: application/json.");

        var malformed = await ExportAsync(service, tenant.Service, "logs", """{"resourceLogs": [{"scopeLogs": [}""");
        malformed.Status.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(malformed.Body)!["detail"]!.GetValue<string>().ShouldStartWith("The body is not valid JSON:");

        var misdirected = await ExportAsync(service, tenant.Service, "metrics", logs);
        misdirected.Status.ShouldBe(HttpStatusCode.BadRequest);
        var problem = JsonNode.Parse(misdirected.Body)!;
        problem["detail"]!.GetValue<string>().ShouldBe("resourceLogs is not a field of an OTLP ExportMetricsServiceRequest; its one field is resourceMetrics.");
        problem["errors"]!["resourceLogs"].ShouldNotBeNull();

        var wrongType = await ExportAsync(service, tenant.Service, "metrics", Metrics(null, queued: "\"three\""));
        wrongType.Status.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(wrongType.Body)!["errors"]!.AsObject().Single().Key.ShouldBe("resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt");

        var huge = Logs(LiveSha, Enumerable.Range(0, 4000).Select(i => Record(1, 17, "ERROR", new string('x', 1200))).ToArray());
        var tooLarge = await ExportAsync(service, tenant.Service, "logs", huge, expectContinue: true);
        tooLarge.Status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        JsonNode.Parse(tooLarge.Body)!["detail"]!.GetValue<string>().ShouldContain("at most 4,194,304 bytes");

        (await TelemetryAsync(tenant))["samples"]!.AsArray().ShouldBeEmpty("a refused export stores nothing");
        (await TelemetryAsync(other))["samples"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task With_TelemetryCollection_off_or_no_version_to_attribute_an_export_is_refused_with_409_saying_why()
    {
        var tenant = await NewTenantAsync();
        var service = await KeyAsync(tenant, "telemetry:write");
        var off = await tenant.Admin.Http.PutAsJsonAsync("/api/flags/TelemetryCollection", new { enabled = false });
        off.StatusCode.ShouldBe(HttpStatusCode.OK, await off.Content.ReadAsStringAsync());

        var refused = await ExportAsync(service, tenant.Service, "logs", Logs(LiveSha, FailingOrders(1)));
        refused.Status.ShouldBe(HttpStatusCode.Conflict);
        JsonNode.Parse(refused.Body)!["detail"]!.GetValue<string>().ShouldStartWith("The TelemetryCollection flag is off for this tenant");
        (await TelemetryAsync(tenant))["samples"]!.AsArray().ShouldBeEmpty();

        var stopped = await NewTenantAsync(live: false);
        var stoppedService = await KeyAsync(stopped, "telemetry:write");
        var unattributed = await ExportAsync(stoppedService, stopped.Service, "traces", """
            {"resourceSpans": [{"resource": {"attributes": [{"key": "service.version", "value": {"stringValue": "1.4.0"}}]}, "scopeSpans": [{"scope": {"name": "http"}, "spans": [
              {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "GET /orders", "kind": 2,
               "startTimeUnixNano": "1767225600000000000", "endTimeUnixNano": "1767225600040000000", "status": {"code": 2}}]}]}]}
            """);
        unattributed.Status.ShouldBe(HttpStatusCode.Conflict);
        JsonNode.Parse(unattributed.Body)!["message"]!.GetValue<string>().ShouldContain("service.version '1.4.0' names none of its versions");
        (await ExportAsync(stoppedService, stopped.Service, "traces", Logs(OldSha, FailingOrders(1)).Replace("resourceLogs", "resourceSpans").Replace("scopeLogs", "scopeSpans")
            .Replace("logRecords", "spans"))).Status.ShouldBe(HttpStatusCode.OK, "version 1 is named by its sha, live or not");
    }
}
