using System.Net;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Deployment;

/// <summary>
/// A deployed service is reached through its stable address but cannot call out: it runs in its own
/// network namespace, and reaches only the hosts its builder.yaml declares and an administrator allows.
/// </summary>
public sealed class ServiceNetworkTests(DeployingBuilder fixture) : IClassFixture<DeployingBuilder>
{
    readonly BuilderApi _api = fixture.Builder.Admin();

    /// <summary>GET /call?port=N asks 127.0.0.1:N through the proxy the sandbox names (if any); /direct?port=N connects past it.</summary>
    const string Server = """
        const http = require('http');
        const net = require('net');
        const { execFile } = require('child_process');
        http.createServer((req, res) => {
          const url = new URL(req.url, 'http://x');
          const port = Number(url.searchParams.get('port'));
          const answer = text => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(text + '\n'); };
          if (url.pathname === '/call')
            execFile('curl', ['-sS', '-m', '10', '-o', '/dev/null', '-w', 'answered %{http_code}', `http://127.0.0.1:${port}/exfiltrate`],
              (error, stdout) => answer(stdout || `failed ${error && error.code}`));
          else if (url.pathname === '/direct') {
            const socket = net.connect({ host: '127.0.0.1', port }, () => { socket.destroy(); answer('DIRECT-CONNECTED'); });
            socket.on('error', e => answer(`direct ${e.code}`));
          } else answer('ok');
        }).listen(Number(process.env.PORT), '127.0.0.1');
        """;

    static string Manifest(string service, params string[] egress) => $"""
        service: {service}
        runtime: node
        start: node server.js
        health:
          path: /health
          readinessTimeout: 6s
        policy:
          p99: 3s
          interval: 100ms
          window: 1s
        {(egress.Length == 0 ? "" : "egress:\n" + string.Join("\n", egress.Select(h => $"  - \"{h}\"")))}
        """;

    async Task<(string Stable, Guid Run, JsonArray Events)> DeployAsync(string manifest, object? settings = null)
    {
        var name = manifest.Split('\n')[0]["service: ".Length..].Trim();
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@node --check server.js\n\ntest:\n\t@echo tests passed\n",
            ["server.js"] = Server,
            ["builder.yaml"] = Manifest(name),
        });
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath, settings: settings);
        var id = await _api.SubmitAsync(repositoryId, "Deploy it", [BuilderApi.File("builder.yaml", manifest, "replace"), BuilderApi.File("version.txt", "2\n")]);
        var run = await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(3));
        run["status"]!.GetValue<string>().ShouldBe("Completed", run.ToJsonString());
        var service = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}"))!;
        return (service["stableUrl"]!.GetValue<string>(), id, await _api.EventsAsync(id));
    }

    static async Task<string> GetAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadAsStringAsync()).Trim();
    }

    static string NewName() => $"net-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_service_that_declares_no_hosts_is_served_but_reaches_nothing()
    {
        using var outside = new LoopbackHttpHost("collected");

        var (stable, _, events) = await DeployAsync(Manifest(NewName()));

        (await GetAsync(stable)).ShouldBe("ok");
        (await GetAsync($"{stable}direct?port={outside.Port}")).ShouldBe("direct ECONNREFUSED");
        (await GetAsync($"{stable}call?port={outside.Port}")).ShouldNotContain("answered 200");
        outside.Requests.ShouldBeEmpty();
        events.ShouldNotContain(e => (string)e!["type"]! == "deploy.service_egress");
    }

    [Fact]
    public async Task Declared_hosts_an_administrator_allows_are_reached_through_the_proxy_and_the_others_are_refused_and_reported()
    {
        using var partner = new LoopbackHttpHost("partner api");
        using var undeclared = new LoopbackHttpHost("collected");
        using var unapproved = new LoopbackHttpHost("collected");
        var name = NewName();

        // The service asks for two hosts; the repository's administrator allowed one of them.
        var (stable, runId, events) = await DeployAsync(
            Manifest(name, $"127.0.0.1:{partner.Port}", $"127.0.0.1:{unapproved.Port}"),
            new { egress = new[] { $"127.0.0.1:{partner.Port}" } });

        (await GetAsync($"{stable}call?port={partner.Port}")).ShouldBe("answered 200");
        (await GetAsync($"{stable}call?port={unapproved.Port}")).ShouldBe("answered 403");
        (await GetAsync($"{stable}call?port={undeclared.Port}")).ShouldBe("answered 403");
        (await GetAsync($"{stable}direct?port={partner.Port}")).ShouldBe("direct ECONNREFUSED");
        partner.Requests.ShouldContain("GET /exfiltrate HTTP/1.1");
        unapproved.Requests.ShouldBeEmpty();
        undeclared.Requests.ShouldBeEmpty();

        var egress = events.Single(e => (string)e!["type"]! == "deploy.service_egress")!["payload"]!;
        egress["allowed"]!.AsArray().Select(h => (string)h!).ShouldBe([$"127.0.0.1:{partner.Port}"]);
        egress["refused"]!.AsArray().Select(h => (string)h!).ShouldBe([$"127.0.0.1:{unapproved.Port}"]);

        // Refusals while the service runs are events of the run that deployed it, as they happen.
        var denied = await Eventually.Until(async () =>
            (await _api.EventsAsync(runId)).Where(e => (string)e!["type"]! == "egress.denied").Select(e => e!["payload"]!).ToList(),
            list => list.Count >= 2, "two egress.denied events of the service");
        denied.Select(d => (string)d["step"]!).ShouldAllBe(step => step == "service");
        denied.Select(d => d["port"]!.GetValue<int>()).Order().ShouldBe(new[] { unapproved.Port, undeclared.Port }.Order());
    }
}
