using Builder.Core.Domain;
using Builder.Worker.Deployment;
using Builder.Worker.Telemetry;

namespace Builder.Tests.Improvements;

public sealed class TelemetryParsingSpecs
{
    [Fact]
    public void Output_is_grouped_into_exception_types_and_masked_error_lines_with_their_first_example()
    {
        var signals = LogSignals.Group([
            "listening on 8080",
            "TypeError: orders is not iterable at GET /orders",
            "TypeError: orders is not iterable at GET /orders",
            "System.InvalidOperationException: Sequence contains no elements",
            "ERROR timeout after 31 ms talking to 10.0.0.7",
            "ERROR timeout after 45 ms talking to 10.0.0.9",
            "   ",
        ]);

        signals.ShouldBe([
            new TelemetrySignal(TelemetrySignal.ErrorLine, "ERROR timeout after # ms talking to #.#.#.#", 2, "ERROR timeout after 31 ms talking to 10.0.0.7"),
            new TelemetrySignal(TelemetrySignal.Exception, "TypeError", 2, "TypeError: orders is not iterable at GET /orders"),
            new TelemetrySignal(TelemetrySignal.Exception, "System.InvalidOperationException", 1, "System.InvalidOperationException: Sequence contains no elements"),
        ]);
    }

    [Fact]
    public void Prometheus_text_is_read_sample_by_sample_with_labels_and_without_comments()
    {
        var metrics = PrometheusText.Parse("""
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{path="/orders",status="500"} 12
            http_requests_total{path="/a b",status="200"} 3 1712345678000
            process_resident_memory_bytes 4.5e+07
            temperature NaN

            """);

        metrics.ShouldBe([
            new TelemetrySignal(TelemetrySignal.Metric, "http_requests_total{path=\"/orders\",status=\"500\"}", 12),
            new TelemetrySignal(TelemetrySignal.Metric, "http_requests_total{path=\"/a b\",status=\"200\"}", 3),
            new TelemetrySignal(TelemetrySignal.Metric, "process_resident_memory_bytes", 45_000_000),
        ]);
        Should.Throw<FormatException>(() => PrometheusText.Parse("<html>not metrics</html>")).Message.ShouldStartWith("not a Prometheus sample");
    }

    [Fact]
    public void The_telemetry_section_of_builder_yaml_names_paths_and_is_refused_when_it_is_wrong()
    {
        var manifest = DeployManifestParser.Parse("""
            service: orders
            runtime: node
            start: node server.js
            telemetry:
              endpoints: [/orders, /items]
              metrics: /metrics
            """);
        manifest.Telemetry.Endpoints.ShouldBe(["/orders", "/items"]);
        manifest.Telemetry.MetricsPath.ShouldBe("/metrics");

        var errors = Should.Throw<DeployManifestException>(() => DeployManifestParser.Parse("""
            service: orders
            runtime: node
            start: node server.js
            telemetry:
              endpoints: [orders]
              metrics: metrics
              traces: /t
            """)).Errors;
        errors.ShouldContain(e => e.Contains("telemetry.endpoints: 'orders' must be a path starting with '/'"));
        errors.ShouldContain(e => e.Contains("telemetry.metrics 'metrics' must be a path starting with '/'"));
        errors.ShouldContain(e => e.Contains("traces"));
    }
}
