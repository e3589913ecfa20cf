using System.Net;
using System.Net.Sockets;
using Builder.Tests.Support;

namespace Builder.Tests.Execution;

/// <summary>
/// A change whose tests try to harm the host, run through the whole pipeline: each attempt is stopped
/// inside the sandbox, the run ends Failed saying why, and the host is unharmed.
/// </summary>
public sealed class SandboxPipelineTests : IAsyncLifetime
{
    readonly EmbeddedBuilder _builder = EmbeddedBuilder.With(new Dictionary<string, string?>
    {
        ["Builder:Worker:CommandTimeout"] = "00:00:15",
        ["Builder:Worker:MemoryLimitBytes"] = (256L * 1024 * 1024).ToString(),
        ["Builder:Worker:MaxProcesses"] = "128",
    });

    readonly TestRepository _repository = TestRepository.Create(new Dictionary<string, string>
    {
        ["Makefile"] = "build:\n\t@true\n\ntest:\n\t@sh test.sh\n",
        ["test.sh"] = "echo ok\n",
    });

    BuilderApi _api = null!;
    Guid _repositoryId;

    public async Task InitializeAsync()
    {
        _api = _builder.Admin();
        _repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
    }

    async Task<System.Text.Json.Nodes.JsonNode> RunTestScriptAsync(string title, string script)
    {
        var id = await _api.SubmitAsync(_repositoryId, title, [BuilderApi.File("test.sh", script, "replace")]);
        var feature = await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(2));
        feature["status"]!.GetValue<string>().ShouldBe("Failed", feature.ToJsonString());
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("verify");
        return feature;
    }

    static string Reason(System.Text.Json.Nodes.JsonNode feature) => feature["error"]!["message"]!.GetValue<string>();

    [Fact]
    public async Task An_outbound_request_never_leaves_the_sandbox()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();

        var feature = await RunTestScriptAsync("Phones home", $"if bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}'; then echo connected; exit 0; fi\necho no network; exit 9\n");

        Reason(feature).ShouldContain("exit code");
        (await _api.Http.GetStringAsync($"/api/features/{feature["id"]}/artifacts/test.log")).ShouldContain("no network");
        accepted.IsCompleted.ShouldBeFalse("nothing inside the sandbox may reach the host's network");
    }

    [Fact]
    public async Task A_write_outside_the_workspace_fails_and_leaves_the_host_untouched()
    {
        var target = $"/etc/builder-escape-{Guid.NewGuid():N}";
        var worker = Path.Combine(_builder.DataDirectory, $"escape-{Guid.NewGuid():N}");

        var feature = await RunTestScriptAsync("Writes outside", $"touch {target} || echo cannot write etc\ntouch {worker} || echo cannot write data\ntest -e {target}\n");

        File.Exists(target).ShouldBeFalse();
        File.Exists(worker).ShouldBeFalse("the worker's data folder is not visible to the build");
        (await _api.Http.GetStringAsync($"/api/features/{feature["id"]}/artifacts/test.log")).ShouldContain("cannot write etc");
    }

    [Fact]
    public async Task The_hosts_root_home_is_not_readable()
    {
        var secret = $"/root/.builder-secret-{Guid.NewGuid():N}";
        await File.WriteAllTextAsync(secret, "host secret");
        try
        {
            var feature = await RunTestScriptAsync("Reads /root", $"cat {secret} && exit 0\necho no such file; exit 4\n");
            var log = await _api.Http.GetStringAsync($"/api/features/{feature["id"]}/artifacts/test.log");
            log.ShouldNotContain("host secret");
            log.ShouldContain("no such file");
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task A_fork_bomb_is_stopped_by_the_process_limit()
    {
        // No '&': each process waits for its pipeline, so the script cannot end before a fork is refused.
        var feature = await RunTestScriptAsync("Fork bomb", "bomb() { bomb | bomb; }\nbomb\n");
        Reason(feature).ShouldContain("processes", Case.Insensitive);
    }

    [Fact]
    public async Task Allocating_far_past_the_memory_limit_is_stopped()
    {
        var feature = await RunTestScriptAsync("Eats memory", "head -c 2000000000 /dev/zero | tail > /dev/null\n");
        Reason(feature).ShouldContain("memory limit");
    }

    [Fact]
    public async Task An_endless_loop_is_killed_at_the_time_limit()
    {
        var feature = await RunTestScriptAsync("Never ends", "while :; do :; done\n");
        Reason(feature).ShouldContain("time limit");
        feature["error"]!["code"]!.GetValue<string>().ShouldBe("tests_timeout");
    }

    public async Task DisposeAsync()
    {
        await _builder.DisposeAsync();
        _repository.Dispose();
    }
}
