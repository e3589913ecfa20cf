using System.Text.Json;
using Builder.Api.Telemetry;
using Builder.Core.Domain;

namespace Builder.Tests.Improvements;

public sealed class OtlpParsingSpecs
{
    /// <summary>The body, with RESOURCE standing for the resource an SDK describes itself with.</summary>
    static JsonElement Json(string text) => JsonDocument.Parse(text.Replace("RESOURCE", Resource)).RootElement;

    const string Resource = """
        {"attributes": [
          {"key": "service.name", "value": {"stringValue": "orders"}},
          {"key": "service.version", "value": {"stringValue": "abc1234"}},
          {"key": "telemetry.sdk.language", "value": {"stringValue": "nodejs"}}
        ], "droppedAttributesCount": 0}
        """;

    [Fact]
    public void Gauges_sums_and_histograms_become_metric_signals_keyed_like_prometheus_with_int64_values_as_strings()
    {
        var export = OtlpMetrics.Read(Json("""
            {"resourceMetrics": [{"resource": RESOURCE,
              "scopeMetrics": [{"scope": {"name": "orders", "version": "1.0.0"}, "metrics": [
                {"name": "orders.queue", "description": "", "unit": "1", "gauge": {"dataPoints": [
                  {"attributes": [], "startTimeUnixNano": "1767225600000000000", "timeUnixNano": "1767225660000000000", "asDouble": 2.5}]}},
                {"name": "orders.created", "unit": "1", "sum": {"aggregationTemporality": 2, "isMonotonic": true, "dataPoints": [
                  {"attributes": [{"key": "status", "value": {"stringValue": "500"}}, {"key": "method", "value": {"stringValue": "GET"}}],
                   "startTimeUnixNano": "1767225600000000000", "timeUnixNano": "1767225660000000000", "asInt": "12"},
                  {"attributes": [{"key": "method", "value": {"stringValue": "GET"}}, {"key": "status", "value": {"intValue": "200"}}],
                   "startTimeUnixNano": "1767225600000000000", "timeUnixNano": "1767225660000000000", "asInt": 30}]}},
                {"name": "http.server.duration", "unit": "ms", "histogram": {"aggregationTemporality": 2, "dataPoints": [
                  {"attributes": [], "startTimeUnixNano": "1767225600000000000", "timeUnixNano": "1767225630000000000",
                   "count": 20, "sum": 410.5, "min": 1, "max": 180, "bucketCounts": ["0", "10", "6", "3", "1"], "explicitBounds": [0, 10, 25, 100]}]}},
                {"name": "http.client.duration", "exponentialHistogram": {"aggregationTemporality": 2, "dataPoints": [
                  {"count": "4", "sum": 12, "scale": 3, "zeroCount": 0, "positive": {"offset": 1, "bucketCounts": [1, 3]}}]}}
              ], "schemaUrl": "https://opentelemetry.io/schemas/1.24.0"}]}]}
            """));

        export.Rejected.ShouldBe(0);
        var resource = export.Resources.ShouldHaveSingleItem();
        resource.ServiceVersion.ShouldBe("abc1234");
        resource.Items.ShouldBe(5);
        resource.Earliest.ShouldBe(new DateTime(2026, 1, 1, 0, 0, 30, DateTimeKind.Utc));
        resource.Signals.ShouldBe([
            new TelemetrySignal(TelemetrySignal.Metric, "orders.queue", 2.5),
            new TelemetrySignal(TelemetrySignal.Metric, "orders.created{method=\"GET\",status=\"500\"}", 12),
            new TelemetrySignal(TelemetrySignal.Metric, "orders.created{method=\"GET\",status=\"200\"}", 30),
            new TelemetrySignal(TelemetrySignal.Metric, "http.server.duration_count", 20),
            new TelemetrySignal(TelemetrySignal.Metric, "http.server.duration_sum", 410.5),
            // The 19th of 20 values falls in the (25, 100] bucket.
            new TelemetrySignal(TelemetrySignal.Metric, "http.server.duration_p95", 100),
            new TelemetrySignal(TelemetrySignal.Metric, "http.client.duration_count", 4),
            new TelemetrySignal(TelemetrySignal.Metric, "http.client.duration_sum", 12),
        ]);
    }

    [Fact]
    public void A_histograms_p95_in_the_overflow_bucket_is_its_max_and_points_without_a_usable_value_are_refused_not_stored()
    {
        var export = OtlpMetrics.Read(Json("""
            {"resourceMetrics": [{"scopeMetrics": [{"metrics": [
              {"name": "latency", "histogram": {"dataPoints": [{"count": "2", "sum": 900, "max": 700, "bucketCounts": [0, 0, 2], "explicitBounds": [10, 100]}]}},
              {"name": "ratio", "gauge": {"dataPoints": [{"asDouble": "NaN"}, {"timeUnixNano": "1"}, {"asDouble": "0.25"}]}}
            ]}]}]}
            """));

        var resource = export.Resources.ShouldHaveSingleItem();
        resource.ServiceVersion.ShouldBeNull();
        resource.Signals.Select(s => (s.Key, s.Value)).ShouldBe([("latency_count", 2), ("latency_sum", 900), ("latency_p95", 700), ("ratio", 0.25)]);
        export.Rejected.ShouldBe(2);
        export.RejectionReason.ShouldBe("resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[0] (ratio) holds NaN or an infinite value; it was not kept.");
    }

    [Fact]
    public void Points_beyond_the_limit_are_refused_through_partial_success()
    {
        var points = string.Join(",", Enumerable.Range(0, OtlpMetrics.MaxPoints + 5).Select(i => "{\"attributes\": [{\"key\": \"i\", \"value\": {\"intValue\": " + i + "}}], \"asInt\": \"" + i + "\"}"));
        var export = OtlpMetrics.Read(Json("""{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "n", "gauge": {"dataPoints": [""" + points + "]}}]}]}]}"));

        export.Resources.Single().Signals.Count.ShouldBe(OtlpMetrics.MaxPoints);
        export.Rejected.ShouldBe(5);
        export.RejectionReason!.ShouldContain($"at most {OtlpMetrics.MaxPoints} data points");
    }

    [Fact]
    public void Log_records_with_an_exception_type_are_grouped_by_type_and_error_records_as_masked_lines_the_rest_only_counted()
    {
        var export = OtlpLogs.Read(Json("""
            {"resourceLogs": [{"resource": RESOURCE,
              "scopeLogs": [{"scope": {"name": "orders"}, "logRecords": [
                {"timeUnixNano": "1767225600000000000", "observedTimeUnixNano": "1767225600000000000", "severityNumber": 17, "severityText": "ERROR",
                 "body": {"stringValue": "GET /orders failed"}, "attributes": [
                   {"key": "exception.type", "value": {"stringValue": "TypeError"}},
                   {"key": "exception.message", "value": {"stringValue": "orders is not iterable"}},
                   {"key": "exception.stacktrace", "value": {"stringValue": "TypeError: orders is not iterable\n    at list (/srv/app.js:12:5)"}}],
                 "droppedAttributesCount": 0, "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "flags": 1},
                {"timeUnixNano": "1767225601000000000", "severityNumber": 17, "severityText": "ERROR", "body": {"stringValue": "GET /orders failed"},
                 "attributes": [{"key": "exception.type", "value": {"stringValue": "TypeError"}}, {"key": "exception.message", "value": {"stringValue": "orders is undefined"}}]},
                {"timeUnixNano": "1767225602000000000", "severityNumber": 17, "body": {"stringValue": "payment declined for order 4411"}},
                {"timeUnixNano": "1767225603000000000", "severityNumber": 21, "body": {"stringValue": "payment declined for order 98"}},
                {"timeUnixNano": "1767225604000000000", "severityText": "error", "body": {"stringValue": "KeyError: 'sku'"}},
                {"timeUnixNano": "1767225605000000000", "severityNumber": 9, "severityText": "INFO", "body": {"stringValue": "listening on 8080, error budget fine"}},
                {"timeUnixNano": "1767225606000000000", "severityNumber": 13, "body": {"kvlistValue": {"values": [{"key": "msg", "value": {"stringValue": "slow"}}]}}}
              ]}]}]}
            """));

        export.Rejected.ShouldBe(0);
        var resource = export.Resources.ShouldHaveSingleItem();
        resource.ServiceVersion.ShouldBe("abc1234");
        resource.Items.ShouldBe(7);
        resource.Earliest.ShouldBe(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        resource.Signals.ShouldBe([
            new TelemetrySignal(TelemetrySignal.Exception, "TypeError", 2, "TypeError: orders is not iterable"),
            new TelemetrySignal(TelemetrySignal.ErrorLine, "payment declined for order #", 2, "payment declined for order 4411"),
            new TelemetrySignal(TelemetrySignal.Exception, "KeyError", 1, "KeyError: 'sku'"),
        ]);
    }

    [Fact]
    public void Spans_with_status_error_are_failures_by_name_exception_events_are_grouped_and_server_spans_give_durations()
    {
        var export = OtlpTraces.Read(Json("""
            {"resourceSpans": [{"resource": {"attributes": [{"key": "service.version", "value": {"stringValue": "3"}}]}, "scopeSpans": [{"scope": {"name": "http"}, "spans": [
              {"traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "EEE19B7EC3C1B174", "name": "GET /orders", "kind": 2,
               "startTimeUnixNano": "1767225600000000000", "endTimeUnixNano": "1767225600040000000", "status": {"code": 2, "message": "orders is not iterable"},
               "events": [{"timeUnixNano": "1767225600030000000", "name": "exception", "attributes": [
                 {"key": "exception.type", "value": {"stringValue": "TypeError"}}, {"key": "exception.message", "value": {"stringValue": "orders is not iterable"}}]}]},
              {"name": "GET /orders", "kind": 2, "startTimeUnixNano": "1767225601000000000", "endTimeUnixNano": "1767225601010000000", "status": {}},
              {"name": "SELECT orders", "kind": 3, "startTimeUnixNano": "1767225601000000000", "endTimeUnixNano": "1767225601900000000", "status": {"code": 1}}
            ]}]}]}
            """));

        var resource = export.Resources.ShouldHaveSingleItem();
        resource.ServiceVersion.ShouldBe("3");
        (resource.Items, resource.Failures).ShouldBe((3, 1));
        resource.DurationsMs.ShouldBe([40, 10]);
        resource.Signals.ShouldBe([
            new TelemetrySignal(TelemetrySignal.ErrorLine, "GET /orders", 1, "GET /orders: orders is not iterable"),
            new TelemetrySignal(TelemetrySignal.Exception, "TypeError", 1, "TypeError: orders is not iterable"),
        ]);
    }

    [Fact]
    public void An_empty_export_is_read_as_empty()
    {
        OtlpMetrics.Read(Json("{}")).IsEmpty.ShouldBeTrue();
        OtlpLogs.Read(Json("""{"resourceLogs": []}""")).IsEmpty.ShouldBeTrue();
        OtlpTraces.Read(Json("""{"resourceSpans": [{"scopeSpans": [{"spans": []}]}]}""")).IsEmpty.ShouldBeTrue();
    }

    [Theory]
    [InlineData("""[]""", "", "The body must be a JSON object: an OTLP ExportMetricsServiceRequest.")]
    [InlineData("""{"resourceLogs": []}""", "resourceLogs", "resourceLogs is not a field of an OTLP ExportMetricsServiceRequest; its one field is resourceMetrics.")]
    [InlineData("""{"resource_metrics": []}""", "resource_metrics", "resource_metrics is not a field of an OTLP ExportMetricsServiceRequest; its one field is resourceMetrics.")]
    [InlineData("""{"resourceMetrics": {}}""", "resourceMetrics", "resourceMetrics must be a JSON array.")]
    [InlineData("""{"resourceMetrics": [1]}""", "resourceMetrics[0]", "resourceMetrics[0] must be a JSON object.")]
    [InlineData("""{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "n", "sum": {"dataPoints": [{"asInt": "twelve"}]}}]}]}]}""",
        "resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].asInt",
        "resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].asInt must be an integer (a JSON number or a string of digits), not \"twelve\".")]
    [InlineData("""{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "n", "gauge": {"dataPoints": [{"asDouble": true}]}}]}]}]}""",
        "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble",
        "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble must be a number, not true.")]
    [InlineData("""{"resourceMetrics": [{"resource": {"attributes": [{"value": {"stringValue": "x"}}]}}]}""",
        "resourceMetrics[0].resource.attributes[0].key", "resourceMetrics[0].resource.attributes[0].key is required: every attribute has a key.")]
    public void Bad_metrics_exports_are_refused_naming_the_field(string body, string field, string message)
    {
        var refused = Should.Throw<OtlpFormatException>(() => OtlpMetrics.Read(Json(body)));
        refused.Field.ShouldBe(field);
        refused.Message.ShouldBe(message);
    }

    [Fact]
    public void Unknown_fields_inside_an_export_are_ignored_as_the_specification_asks_of_receivers()
    {
        var export = OtlpLogs.Read(Json("""
            {"resourceLogs": [{"scopeLogs": [{"logRecords": [{"severityNumber": 17, "body": {"stringValue": "boom"}, "eventName": "x", "somethingNew": {"a": 1}}]}], "entityRefs": []}]}
            """));
        export.Resources.Single().Signals.ShouldBe([new TelemetrySignal(TelemetrySignal.ErrorLine, "boom", 1, "boom")]);
        Should.Throw<OtlpFormatException>(() => OtlpLogs.Read(Json("""{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"severityNumber": "high"}]}]}]}""")))
            .Field.ShouldBe("resourceLogs[0].scopeLogs[0].logRecords[0].severityNumber");
    }

    [Fact]
    public void Service_version_names_a_version_by_number_commit_sha_or_prefix_or_id_else_the_live_one()
    {
        var service = new DeployedService { Name = "orders", Target = "local", StableUrl = "http://x/" };
        ServiceVersion Version(int number, string sha) => new() { ServiceId = service.Id, Number = number, CommitSha = sha, ReleaseFolder = "/r", DeployedBy = "key:admin" };
        var (first, second, redeployed) = (Version(1, "aaaaaaaa11111111"), Version(2, "bbbbbbbb22222222"), Version(3, "aaaaaaaa11111111"));
        service.LiveVersionId = second.Id;
        List<ServiceVersion> versions = [first, second, redeployed];

        OtlpIngestion.VersionOf("bbbbbbbb22222222", service, versions).ShouldBe(second);
        OtlpIngestion.VersionOf("BBBBBBB", service, versions).ShouldBe(second);
        OtlpIngestion.VersionOf("1", service, versions).ShouldBe(first);
        OtlpIngestion.VersionOf("v1", service, versions).ShouldBe(first);
        OtlpIngestion.VersionOf(first.Id.ToString(), service, versions).ShouldBe(first);
        OtlpIngestion.VersionOf("aaaaaaa", service, versions).ShouldBe(redeployed, "the same commit deployed twice: the latest");
        OtlpIngestion.VersionOf("1.4.0", service, versions).ShouldBe(second, "a version Builder does not know: the live one");
        OtlpIngestion.VersionOf("bbbbbb", service, versions).ShouldBe(second, "too short to be a commit: the live one");
        OtlpIngestion.VersionOf(null, service, versions).ShouldBe(second);
        service.LiveVersionId = null;
        OtlpIngestion.VersionOf("1.4.0", service, versions).ShouldBeNull();
    }
}
