using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Deployment;

/// <summary>A service whose builder.yaml declares Builder's five service endpoints as its contract has them checked before it takes traffic.</summary>
public sealed class ServiceContractDeployTests(DeployingBuilder fixture) : IClassFixture<DeployingBuilder>
{
    readonly BuilderApi _api = fixture.Builder.Admin();

    /// <summary>broken.txt names one endpoint that answers 500, as a release that broke it would.</summary>
    const string Server = """
        const http = require('http');
        const fs = require('fs');
        const broken = fs.existsSync(`${__dirname}/broken.txt`) ? fs.readFileSync(`${__dirname}/broken.txt`, 'utf8').trim() : '';
        http.createServer((req, res) => {
          const json = (code, body) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
          const path = req.url.split('?')[0].replace(/^\//, '');
          if (path === broken) return json(500, { error: 'broken' });
          if (path === 'health') return json(200, { status: 'healthy', service: process.env.BUILDER_SERVICE });
          if (['capabilities', 'state', 'dependencies'].includes(path)) return json(200, { service: process.env.BUILDER_SERVICE });
          if (path === 'message' && req.method === 'POST') {
            let body = '';
            req.on('data', chunk => body += chunk);
            req.on('end', () => {
              try {
                const message = JSON.parse(body);
                if (!message.traceId || !message.payload || !message.payload.action) return json(400, { error: 'traceId and payload.action are required' });
                json(200, { traceId: message.traceId, status: 'ok' });
              } catch { json(400, { error: 'not JSON' }); }
            });
            return;
          }
          json(404, { error: 'not found' });
        }).listen(Number(process.env.PORT), '127.0.0.1');
        """;

    static string Manifest(string service) => $"""
        service: {service}
        runtime: node
        start: node server.js
        health:
          path: /health
          readinessTimeout: 6s
          contract: [health, capabilities, state, dependencies, message]
        policy:
          interval: 100ms
          window: 1s
        """;

    [Fact]
    public async Task A_version_that_keeps_the_contract_goes_live_and_one_that_breaks_an_endpoint_is_rolled_back_naming_it()
    {
        var name = $"ctr-{Guid.NewGuid():N}"[..20];
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@node --check server.js\n\ntest:\n\t@echo tests passed\n",
            ["server.js"] = Server,
            ["builder.yaml"] = Manifest(name),
        });
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var kept = await _api.WaitForEndAsync(await _api.SubmitAsync(repositoryId, "First version", [BuilderApi.File("version.txt", "1\n")]), TimeSpan.FromMinutes(3));
        kept["status"]!.GetValue<string>().ShouldBe("Completed", kept.ToJsonString());
        var check = (await _api.EventsAsync(kept["id"]!.GetValue<Guid>())).Single(e => (string)e!["type"]! == "healthcheck.contract")!["payload"]!;
        check["kept"]!.GetValue<bool>().ShouldBeTrue(check.ToJsonString());
        check["endpoints"]!.AsArray().Count.ShouldBe(5);

        var broke = await _api.WaitForEndAsync(await _api.SubmitAsync(repositoryId, "Breaks /state", [BuilderApi.File("broken.txt", "state\n")]), TimeSpan.FromMinutes(3));
        broke["status"]!.GetValue<string>().ShouldBe("RolledBack", broke.ToJsonString());
        broke.ToJsonString().ShouldContain("GET /state answered 500 instead of 200");
        var stable = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/services/{name}"))!["stableUrl"]!.GetValue<string>();
        using var http = new HttpClient();
        (await http.GetStringAsync(stable + "state")).ShouldContain(name, customMessage: "the first version still serves");
    }
}
