using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Builder.Tests.Mcp;

/// <summary>
/// The official MCP TypeScript SDK's client, run with node as a separate process (client/mcp-client.mjs)
/// and driven one JSON line at a time: an independent client of Builder's MCP server.
/// </summary>
public sealed class McpTestClient : IAsyncDisposable
{
    readonly Process _node;
    readonly string _folder;
    readonly List<string> _stderr;

    McpTestClient(Process node, string folder, List<string> stderr, JsonNode hello)
    {
        _node = node;
        _folder = folder;
        _stderr = stderr;
        Hello = hello;
    }

    /// <summary>The first line: {connected, server, instructions} or {connected: false, error, code}.</summary>
    public JsonNode Hello { get; }

    public bool Connected => Hello["connected"]!.GetValue<bool>();

    public static async Task<McpTestClient> ConnectAsync(Uri url, string? key)
    {
        var modules = await NodeModules.LocateAsync();
        // ES modules resolve packages from the script's own folder, so the script sits next to a link to them.
        var folder = Directory.CreateTempSubdirectory("builder-mcp-client-").FullName;
        File.Copy(Path.Combine(NodeModules.ClientFolder, "mcp-client.mjs"), Path.Combine(folder, "mcp-client.mjs"));
        File.Copy(Path.Combine(NodeModules.ClientFolder, "package.json"), Path.Combine(folder, "package.json"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "node_modules"), modules);

        var psi = new ProcessStartInfo("node", [Path.Combine(folder, "mcp-client.mjs")])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["BUILDER_MCP_URL"] = url.ToString();
        if (key is not null)
            psi.Environment["BUILDER_MCP_KEY"] = key;
        var node = Process.Start(psi)!;
        var stderr = new List<string>();
        node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (stderr)
                    stderr.Add(e.Data);
        };
        node.BeginErrorReadLine();
        return new McpTestClient(node, folder, stderr, await ReadLineAsync(node, stderr));
    }

    public async Task<JsonNode> ListToolsAsync() => await SendAsync(new JsonObject { ["op"] = "listTools" });

    /// <summary>A tool call's result: {content: [{type: "text", text}], structuredContent?, isError?}.</summary>
    public async Task<JsonNode> CallAsync(string name, object? arguments = null) =>
        await SendAsync(new JsonObject { ["op"] = "callTool", ["name"] = name, ["arguments"] = JsonSerializer.SerializeToNode(arguments ?? new { }) });

    /// <summary>A call that must succeed: its text parsed as JSON.</summary>
    public async Task<JsonNode> OkAsync(string name, object? arguments = null)
    {
        var result = await CallAsync(name, arguments);
        Assert.False(IsError(result), $"{name} failed: {result.ToJsonString()}");
        return JsonNode.Parse(Text(result))!;
    }

    public static bool IsError(JsonNode result) => result["isError"]?.GetValue<bool>() == true;

    public static string Text(JsonNode result) => result["content"]![0]!["text"]!.GetValue<string>();

    async Task<JsonNode> SendAsync(JsonObject request)
    {
        await _node.StandardInput.WriteLineAsync(request.ToJsonString());
        await _node.StandardInput.FlushAsync();
        var response = await ReadLineAsync(_node, _stderr);
        Assert.True(response["ok"]!.GetValue<bool>(), $"{request.ToJsonString()} failed in the client: {response.ToJsonString()}");
        return response["result"]!;
    }

    static async Task<JsonNode> ReadLineAsync(Process node, List<string> stderr)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        string? line;
        try
        {
            line = await node.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line is null)
        {
            string errors;
            lock (stderr)
                errors = string.Join('\n', stderr);
            throw new InvalidOperationException($"The MCP client said nothing more (exited: {node.HasExited}). Its stderr:\n{errors}");
        }

        return JsonNode.Parse(line)!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_node.HasExited)
        {
            _node.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _node.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _node.Kill(entireProcessTree: true);
            }
        }

        _node.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
