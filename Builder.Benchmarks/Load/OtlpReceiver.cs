using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace Builder.Benchmarks.Load;

/// <summary>
/// A small OTLP/HTTP trace receiver on a loopback port (POST /v1/traces, protobuf), so the processes
/// the load driver starts can export their spans to it with their standard OTLP exporter. It keeps
/// every span in memory until the driver takes them.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    readonly HttpListener _listener = new();
    readonly List<ReceivedSpan> _spans = [];
    readonly Lock _lock = new();
    readonly Task _loop;
    long _requests;
    long _failures;

    public Uri Endpoint { get; }
    public long Requests => Interlocked.Read(ref _requests);
    public long Failures => Interlocked.Read(ref _failures);

    OtlpReceiver(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add($"{Endpoint}");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public static OtlpReceiver Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new OtlpReceiver(port);
    }

    /// <summary>What a process needs to export its traces here (OpenTelemetry's standard variables).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        // Export every second rather than every 5, and queue far more than the default 2,048 spans, so a
        // burst of database spans is not dropped before the next export.
        ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_BSP_MAX_QUEUE_SIZE"] = "262144",
        ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "4096",
    };

    /// <summary>The spans received since the last call.</summary>
    public List<ReceivedSpan> Take()
    {
        lock (_lock)
        {
            var taken = _spans.ToList();
            _spans.Clear();
            return taken;
        }
    }

    async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url?.AbsolutePath;
            if (context.Request.HttpMethod != "POST" || path is not ("/v1/traces" or "/v1/metrics" or "/v1/logs"))
            {
                response.StatusCode = 404;
                return;
            }

            // The exporter sends metrics and logs to the same endpoint: taken and dropped, only traces are read.
            if (path != "/v1/traces")
            {
                await context.Request.InputStream.CopyToAsync(Stream.Null);
                response.StatusCode = 200;
                return;
            }

            using var body = new MemoryStream();
            var input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                : context.Request.InputStream;
            await using (input)
                await input.CopyToAsync(body);
            var spans = OtlpTraceDecoder.Decode(body.GetBuffer().AsSpan(0, (int)body.Length));
            lock (_lock)
                _spans.AddRange(spans);
            Interlocked.Increment(ref _requests);
            // An empty ExportTraceServiceResponse: everything accepted.
            response.StatusCode = 200;
            response.ContentType = "application/x-protobuf";
        }
        catch (Exception ex) when (ex is FormatException or IOException or HttpListenerException)
        {
            Interlocked.Increment(ref _failures);
            response.StatusCode = 400;
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (HttpListenerException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
