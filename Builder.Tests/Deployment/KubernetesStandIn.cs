using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Builder.Tests.Deployment;

/// <summary>
/// A local endpoint speaking the Kubernetes API for the calls the kubernetes target makes (version;
/// create, read, list by label, replace and delete of Deployments and Services; merge patches of
/// Services; the service proxy), with a bearer token. Its "kubelet" runs each Deployment's pod as a
/// real container of the test engine (Podman), ready once the pod's readiness probe answers, and the
/// service proxy forwards to the ready pods its Service selects, as an API server does.
/// </summary>
public sealed class KubernetesStandIn : IAsyncDisposable
{
    public const string Token = "stand-in-token-5f1c";
    const string PodLabel = "builder.test.kubernetes-pod";

    readonly DockerClient _engine;
    readonly ConcurrentDictionary<string, JsonObject> _deployments = new();
    readonly ConcurrentDictionary<string, JsonObject> _services = new();
    readonly ConcurrentDictionary<string, (string Container, int Port)> _pods = new();
    readonly ConcurrentQueue<string> _requests = new();
    readonly ConcurrentDictionary<string, (DateTime At, bool Ready)> _readiness = new();
    readonly ConcurrentQueue<(string Service, string Version)> _switches = new();
    readonly HttpClient _forward = new() { Timeout = TimeSpan.FromSeconds(10) };
    readonly string _id = Guid.NewGuid().ToString("N")[..8];
    WebApplication? _app;

    KubernetesStandIn(DockerClient engine) => _engine = engine;

    public string Server { get; private set; } = "";

    /// <summary>Method and path of every API call (not the proxied ones), in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToList();

    /// <summary>Each change of a stable Service's version selector: the switches of traffic.</summary>
    public IReadOnlyList<(string Service, string Version)> Switches => _switches.ToList();

    /// <summary>
    /// Asked before a DELETE ("deployments/name") is carried out: a test holds it to stop a worker
    /// mid-way, and answers false to fail it as a dropped connection would.
    /// </summary>
    public Func<string, Task<bool>>? BeforeDelete { get; set; }

    /// <summary>The names of the Deployments in the cluster now.</summary>
    public IReadOnlyList<string> Deployments => _deployments.Keys.Select(k => k[(k.IndexOf('/') + 1)..]).Order().ToList();

    public static async Task<KubernetesStandIn> StartAsync(DockerClient engine)
    {
        var standIn = new KubernetesStandIn(engine);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Use(standIn.AuthenticateAsync);
        app.MapGet("/version", () => Json(new JsonObject { ["major"] = "1", ["minor"] = "31", ["gitVersion"] = "v1.31.0-builder-stand-in" }));
        app.Map("/apis/apps/v1/namespaces/{ns}/deployments/{name?}", standIn.DeploymentsAsync);
        app.Map("/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/{**path}", standIn.ProxyAsync);
        app.Map("/api/v1/namespaces/{ns}/services/{name?}", standIn.ServicesAsync);
        await app.StartAsync();
        standIn.Server = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        standIn._app = app;
        return standIn;
    }

    async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.Authorization != $"Bearer {Token}")
        {
            await Status(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized").ExecuteAsync(context);
            return;
        }

        if (!context.Request.Path.Value!.Contains("/proxy/", StringComparison.Ordinal))
            _requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        await next(context);
    }

    async Task<IResult> DeploymentsAsync(HttpContext context, string ns, string? name) =>
        await ObjectsAsync(context, ns, name, _deployments, "DeploymentList", "apps/v1", "deployments");

    async Task<IResult> ServicesAsync(HttpContext context, string ns, string? name) =>
        await ObjectsAsync(context, ns, name, _services, "ServiceList", "v1", "services");

    async Task<IResult> ObjectsAsync(HttpContext context, string ns, string? name, ConcurrentDictionary<string, JsonObject> store, string listKind, string apiVersion, string kind)
    {
        var method = context.Request.Method;
        string Key(string n) => $"{ns}/{n}";
        if (name is null && method == "GET")
        {
            var selector = ParseSelector(context.Request.Query["labelSelector"]);
            var items = new JsonArray(store.Where(o => o.Key.StartsWith(ns + "/", StringComparison.Ordinal) && Matches(o.Value["metadata"]?["labels"], selector))
                .Select(o => (JsonNode)WithStatus(kind, o.Value)).ToArray());
            return Json(new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = listKind, ["metadata"] = new JsonObject(), ["items"] = items });
        }

        if (name is null && method == "POST")
        {
            var created = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var objectName = (string)created["metadata"]!["name"]!;
            created["metadata"]!["generation"] = 1;
            if (!store.TryAdd(Key(objectName), created))
                return Status(HttpStatusCode.Conflict, "AlreadyExists", $"{kind} \"{objectName}\" already exists");
            await ChangedAsync(kind, ns, objectName, created, null);
            return Json(WithStatus(kind, created), HttpStatusCode.Created);
        }

        if (name is null || !store.TryGetValue(Key(name), out var current))
            return Status(HttpStatusCode.NotFound, "NotFound", $"{kind} \"{name}\" not found");
        switch (method)
        {
            case "GET":
                return Json(WithStatus(kind, current));
            case "PUT":
            {
                var replaced = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
                replaced["metadata"]!["generation"] = (int)current["metadata"]!["generation"]! + 1;
                store[Key(name)] = replaced;
                await ChangedAsync(kind, ns, name, replaced, current);
                return Json(WithStatus(kind, replaced));
            }
            case "PATCH" when context.Request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) == true:
            {
                var patched = current.DeepClone().AsObject();
                MergePatch(patched, (await JsonNode.ParseAsync(context.Request.Body))!.AsObject());
                store[Key(name)] = patched;
                await ChangedAsync(kind, ns, name, patched, current);
                return Json(WithStatus(kind, patched));
            }
            case "PATCH":
                return Status(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the stand-in takes merge patches only, not {context.Request.ContentType}");
            case "DELETE":
                if (BeforeDelete is { } hold && !await hold($"{kind}/{name}"))
                    return Status(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "the stand-in dropped this delete");
                if (!store.TryRemove(Key(name), out var removed))
                    return Status(HttpStatusCode.NotFound, "NotFound", $"{kind} \"{name}\" not found");
                await ChangedAsync(kind, ns, name, null, removed);
                // As the API server answers: a deleted Service comes back as it was, a Deployment as a Status.
                return kind == "services" ? Json(removed)
                    : Json(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Status", ["status"] = "Success", ["metadata"] = new JsonObject() });
            default:
                return Status(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{method} is not supported");
        }
    }

    /// <summary>The kubelet's part: a Deployment's pod runs as a container; a Service's selector change is a switch of traffic.</summary>
    async Task ChangedAsync(string kind, string ns, string name, JsonObject? now, JsonObject? before)
    {
        if (kind == "services")
        {
            var version = (string?)now?["spec"]?["selector"]?[Worker.Deployment.Kubernetes.KubernetesObjects.VersionLabel];
            if (before is not null && now is not null && version != (string?)before["spec"]?["selector"]?[Worker.Deployment.Kubernetes.KubernetesObjects.VersionLabel])
                _switches.Enqueue((name, version ?? ""));
            return;
        }

        if (_pods.TryRemove($"{ns}/{name}", out var old))
            await _engine.Containers.RemoveContainerAsync(old.Container, new ContainerRemoveParameters { Force = true });
        if (now is null)
            return;
        var deployment = KubernetesJson.Deserialize<V1Deployment>(now.ToJsonString());
        var container = deployment.Spec.Template.Spec.Containers[0];
        var containerPort = container.Ports[0].ContainerPort.ToString(CultureInfo.InvariantCulture);
        var hostPort = FreePort();
        var created = await _engine.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"k8s-{_id}-{name}-{Guid.NewGuid():N}"[..60],
            Image = container.Image,
            Env = container.Env.Select(e => $"{e.Name}={e.Value}").ToList(),
            ExposedPorts = new Dictionary<string, EmptyStruct> { [$"{containerPort}/tcp"] = default },
            Labels = new Dictionary<string, string> { [PodLabel] = _id },
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    [$"{containerPort}/tcp"] = [new PortBinding { HostIP = "127.0.0.1", HostPort = hostPort.ToString(CultureInfo.InvariantCulture) }],
                },
            },
        });
        await _engine.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        _pods[$"{ns}/{name}"] = (created.ID, hostPort);
    }

    /// <summary>A Deployment's status as the controller would report it: available once its pod answers its readiness probe.</summary>
    JsonObject WithStatus(string kind, JsonObject stored)
    {
        var copy = stored.DeepClone().AsObject();
        if (kind != "deployments")
            return copy;
        var ns = (string?)copy["metadata"]!["namespace"] ?? "default";
        var ready = ReadyPort(ns, (string)copy["metadata"]!["name"]!, copy) is not null ? 1 : 0;
        copy["status"] = new JsonObject
        {
            ["observedGeneration"] = (int)copy["metadata"]!["generation"]!, ["replicas"] = 1, ["updatedReplicas"] = 1, ["readyReplicas"] = ready, ["availableReplicas"] = ready,
        };
        return copy;
    }

    /// <summary>The pod's port when its readiness probe answered, asked at most every half second per pod, as a kubelet probes on a period.</summary>
    int? ReadyPort(string ns, string deployment, JsonObject stored)
    {
        if (!_pods.TryGetValue($"{ns}/{deployment}", out var pod))
            return null;
        var key = $"{pod.Container}:{pod.Port}";
        if (_readiness.TryGetValue(key, out var known) && DateTime.UtcNow - known.At < TimeSpan.FromMilliseconds(500))
            return known.Ready ? pod.Port : null;
        var ready = Probe(pod.Port, stored);
        _readiness[key] = (DateTime.UtcNow, ready);
        return ready ? pod.Port : null;
    }

    bool Probe(int port, JsonObject stored)
    {
        var path = (string?)stored["spec"]?["template"]?["spec"]?["containers"]?[0]?["readinessProbe"]?["httpGet"]?["path"] ?? "/";
        try
        {
            using var answer = _forward.GetAsync($"http://127.0.0.1:{port}{path}").GetAwaiter().GetResult();
            return (int)answer.StatusCode is >= 200 and < 400;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/...: to a ready pod the Service selects, else 503 as the API server answers.</summary>
    async Task ProxyAsync(HttpContext context, string ns, string name, string port, string? path)
    {
        if (!_services.TryGetValue($"{ns}/{name}", out var service))
        {
            await Status(HttpStatusCode.NotFound, "NotFound", $"services \"{name}\" not found").ExecuteAsync(context);
            return;
        }

        var selector = service["spec"]?["selector"]?.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value ?? "") ?? [];
        var target = _deployments.Where(d => d.Key.StartsWith(ns + "/", StringComparison.Ordinal)
                                             && Matches(d.Value["spec"]?["template"]?["metadata"]?["labels"], selector))
            .Select(d => ReadyPort(ns, (string)d.Value["metadata"]!["name"]!, d.Value)).FirstOrDefault(p => p is not null);
        if (target is null)
        {
            await Status(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", $"no endpoints available for service \"{name}\"").ExecuteAsync(context);
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), $"http://127.0.0.1:{target}/{path}{context.Request.QueryString}");
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
            if (context.Request.ContentType is { } type)
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        using var answer = await _forward.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)answer.StatusCode;
        if (answer.Content.Headers.ContentType is { } contentType)
            context.Response.ContentType = contentType.ToString();
        await answer.Content.CopyToAsync(context.Response.Body);
    }

    /// <summary>Below the ephemeral range, away from the ports Builder gives its own versions.</summary>
    static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(31_000, 33_000);
            try
            {
                using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
        }
    }

    static Dictionary<string, string> ParseSelector(string? selector) =>
        (selector ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(term => term.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    static bool Matches(JsonNode? labels, IReadOnlyDictionary<string, string> selector) =>
        selector.All(s => (string?)labels?[s.Key] == s.Value);

    static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
                target.Remove(key);
            else if (value is JsonObject nested && target[key] is JsonObject existing)
                MergePatch(existing, nested);
            else
                target[key] = value.DeepClone();
        }
    }

    static IResult Json(JsonObject body, HttpStatusCode status = HttpStatusCode.OK) =>
        Results.Text(body.ToJsonString(), "application/json", statusCode: (int)status);

    static IResult Status(HttpStatusCode code, string reason, string message) => Json(new JsonObject
    {
        ["apiVersion"] = "v1", ["kind"] = "Status", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = (int)code,
    }, code);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        foreach (var container in await _engine.Containers.ListContainersAsync(new ContainersListParameters
                 {
                     All = true,
                     Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{PodLabel}={_id}"] = true } },
                 }))
            await _engine.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        _forward.Dispose();
    }
}
