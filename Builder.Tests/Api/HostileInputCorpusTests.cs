using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Api;

/// <summary>
/// Hostile and careless input, over HTTP and MCP: each request is refused with a 4xx problem in
/// Builder's words (never a 5xx, never the framework's vocabulary), and nothing is stored.
/// </summary>
public sealed class HostileInputCorpusTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>, IDisposable
{
    /// <summary>One request. Bodies and paths may say {repo} (a registered repository) and {id} (an id nothing has).</summary>
    /// <param name="Field">The field the problem must name in its errors, when it names one.</param>
    /// <param name="Says">Text the problem must contain.</param>
    public sealed record HttpCase(string Method, string Path, string? Body, string? Field = null, string? Says = null, string ContentType = "application/json");

    /// <param name="Says">Text the JSON-RPC error or the tool error must contain.</param>
    public sealed record McpCase(string Body, string Says, int? RpcCode = null);

    const string Esc = "\\u001b[2J\\u001b]0;owned\\u0007";
    const string Nul = "a\\u0000b";
    const string Rlo = "invoice\\u202Etxt.exe";

    static string Feature(string fields) =>
        """{"repositoryId": "{repo}", "title": "hostile", "description": "", "testsRequired": false, "draft": {"files": [{"path": "value.txt", "mode": "replace", "content": "42\n"}]}""" + fields + "}";

    static string FeatureWithFile(string file) =>
        $$$"""{"repositoryId": "{repo}", "title": "hostile", "description": "", "draft": {"files": [{{{file}}}]}}""";

    static string Repository(string fields) => """{"name": "hostile-{id}", "url": "{url}" """ + fields + "}";

    static readonly Dictionary<string, HttpCase> Http = new()
    {
        // Enums: by name, never by number.
        ["approvalMode is a number"] = new("POST", "/api/features", Feature(""", "approvalMode": 7"""), "approvalMode", "auto, checkpoints, final"),
        ["approvalMode is a numeric string"] = new("POST", "/api/features", Feature(""", "approvalMode": "7" """), "approvalMode", "auto, checkpoints, final"),
        ["approvalMode is negative"] = new("POST", "/api/features", Feature(""", "approvalMode": -1"""), "approvalMode"),
        ["approvalMode is an unknown name"] = new("POST", "/api/features", Feature(""", "approvalMode": "sometimes" """), "approvalMode", "auto, checkpoints, final"),
        ["draft mode is a number"] = new("POST", "/api/features", FeatureWithFile("""{"path": "a.txt", "mode": 9, "content": "a"}"""), "draft.files[0].mode", "add, replace, delete"),
        ["draft mode is an unknown name"] = new("POST", "/api/features", FeatureWithFile("""{"path": "a.txt", "mode": "overwrite", "content": "a"}"""), "draft.files[0].mode"),
        ["review verdict is a number"] = new("POST", "/api/features/{id}/reviews", """{"verdict": 1}""", "verdict"),
        ["task approvalMode is a number"] = new("POST", "/api/tasks/{id}/apply", """{"approvalMode": 2}""", "approvalMode"),

        // Control and bidi characters.
        ["title with escape sequences"] = new("POST", "/api/features", Feature($$$""", "title": "{{{Esc}}}" """), "title", "escape character"),
        ["title with NUL"] = new("POST", "/api/features", Feature($$$""", "title": "{{{Nul}}}" """), "title", "NUL"),
        ["title with a bidi override"] = new("POST", "/api/features", Feature($$$""", "title": "{{{Rlo}}}" """), "title", "bidirectional"),
        ["title with C1 control"] = new("POST", "/api/features", Feature(""", "title": "a\u009bb" """), "title"),
        ["description with NUL"] = new("POST", "/api/features", Feature($$$""", "description": "{{{Nul}}}" """), "description", "NUL"),
        ["description with escape"] = new("POST", "/api/features", Feature($$$""", "description": "{{{Esc}}}" """), "description"),
        ["targetBranch with a bidi override"] = new("POST", "/api/features", Feature($$$""", "targetBranch": "{{{Rlo}}}" """), "targetBranch"),
        ["draft path with NUL"] = new("POST", "/api/features", FeatureWithFile($$$"""{"path": "{{{Nul}}}", "mode": "add", "content": "a"}"""), "draft.files[0].path"),
        ["draft path with escape"] = new("POST", "/api/features", FeatureWithFile($$$"""{"path": "src/{{{Esc}}}.txt", "mode": "add", "content": "a"}"""), "draft.files[0].path"),
        ["repository name with escape"] = new("POST", "/api/repositories", $$$"""{"name": "{{{Esc}}}", "url": "{url}"}""", "name"),
        ["repository name with a bidi override"] = new("POST", "/api/repositories", $$$"""{"name": "{{{Rlo}}}", "url": "{url}"}""", "name"),
        ["agent name with escape"] = new("POST", "/api/agents", $$$"""{"name": "{{{Esc}}}", "version": "1.0"}""", "name"),
        ["agent version with NUL"] = new("POST", "/api/agents", $$$"""{"name": "agent", "version": "{{{Nul}}}"}""", "version"),
        ["key name with a bidi override"] = new("POST", "/api/keys", $$$"""{"name": "{{{Rlo}}}", "scopes": ["features:read"]}""", "name"),
        ["task title with NUL"] = new("POST", "/api/tasks", $$$"""{"repositoryId": "{repo}", "title": "{{{Nul}}}", "scope": ["src/**"]}""", "title"),
        ["task plan with escape"] = new("POST", "/api/tasks", $$$"""{"repositoryId": "{repo}", "title": "t", "plan": "{{{Esc}}}", "scope": ["src/**"]}""", "plan"),
        ["task scope with a bidi override"] = new("POST", "/api/tasks", $$$"""{"repositoryId": "{repo}", "title": "t", "scope": ["{{{Rlo}}}"]}""", "scope[0]"),
        ["review comments with NUL"] = new("POST", "/api/features/{id}/reviews", $$$"""{"verdict": "request-changes", "comments": "{{{Nul}}}"}""", "comments"),
        ["revise notes with NUL"] = new("POST", "/api/features/{id}/revise", $$$"""{"notes": "{{{Nul}}}"}""", "notes"),
        ["reject reason with escape"] = new("POST", "/api/features/{id}/reject", $$$"""{"reason": "{{{Esc}}}"}""", "reason"),
        ["cancel reason with NUL"] = new("POST", "/api/features/{id}/cancel", $$$"""{"reason": "{{{Nul}}}"}""", "reason"),

        // Branches the remote does not have.
        ["targetBranch the remote lacks"] = new("POST", "/api/features", Feature(""", "targetBranch": "no-such" """), "targetBranch", "does not exist"),
        ["defaultBranch the remote lacks"] = new("POST", "/api/repositories", Repository(""", "defaultBranch": "no-such" """), "defaultBranch", "does not exist"),
        ["PATCH defaultBranch the remote lacks"] = new("PATCH", "/api/repositories/{repo}", """{"defaultBranch": "no-such"}""", "defaultBranch", "does not exist"),

        // Repository settings: validated the same way on registration and PATCH.
        ["maxFileBytes is text on registration"] = new("POST", "/api/repositories", Repository(""", "settings": {"maxFileBytes": "lots"}"""), "settings.maxFileBytes", "integer"),
        ["maxFileBytes is negative on registration"] = new("POST", "/api/repositories", Repository(""", "settings": {"maxFileBytes": -1}"""), "settings.maxFileBytes"),
        ["maxFileBytes is text on PATCH"] = new("PATCH", "/api/repositories/{repo}", """{"settings": {"maxFileBytes": "lots"}}""", "settings.maxFileBytes", "integer"),
        ["unknown toolchain"] = new("POST", "/api/repositories", Repository(""", "settings": {"toolchain": "cobol"}"""), "settings.toolchain", "dotnet"),
        ["environment variable name"] = new("PATCH", "/api/repositories/{repo}", """{"settings": {"environment": {"1 BAD": "x"}}}""", "settings.environment"),
        ["testReportPaths leave the repository"] = new("PATCH", "/api/repositories/{repo}", """{"settings": {"testReportPaths": ["../reports/*.xml"]}}""", "settings.testReportPaths"),
        ["egress names a URL, not a host"] = new("PATCH", "/api/repositories/{repo}", """{"settings": {"egress": ["https://evil.example/upload"]}}""", "settings.egress", "give the host alone"),
        ["egress allows every host"] = new("POST", "/api/repositories", Repository(""", "settings": {"egress": ["*"]}"""), "settings.egress", "not a host name"),
        ["targetFramework is not a moniker"] = new("POST", "/api/repositories", Repository(""", "settings": {"targetFramework": "net8.0; rm -rf /"}"""), "settings.targetFramework"),
        ["build command with NUL"] = new("PATCH", "/api/repositories/{repo}", $$$"""{"settings": {"buildCommand": "{{{Nul}}}"}}""", "settings.buildCommand"),

        // Unknown fields are named, not dropped.
        ["unknown feature field"] = new("POST", "/api/features", Feature(""", "colour": "blue" """), "colour", "not a field"),
        ["unknown draft file field"] = new("POST", "/api/features", FeatureWithFile("""{"path": "a.txt", "mode": "add", "content": "a", "executable": true}"""), "draft.files[0].executable"),
        ["unknown repository field"] = new("POST", "/api/repositories", Repository(""", "branch": "main" """), "branch", "defaultBranch"),
        ["unknown settings field"] = new("PATCH", "/api/repositories/{repo}", """{"settings": {"buildCmd": "make"}}""", "settings.buildCmd", "buildCommand"),

        // Malformed bodies and wrong types.
        ["malformed JSON"] = new("POST", "/api/features", """{"title": "x",""", Says: "not valid JSON"),
        ["body is an array"] = new("POST", "/api/features", "[1, 2]", Says: "must be a JSON object"),
        ["body is empty"] = new("POST", "/api/features", "", Says: "JSON body"),
        ["body is plain text"] = new("POST", "/api/features", "title=x", Says: "application/json", ContentType: "text/plain"),
        ["repositoryId is a number"] = new("POST", "/api/features", Feature(""", "repositoryId": 12"""), "repositoryId", "UUID"),
        ["repositoryId is not a UUID"] = new("POST", "/api/features", Feature(""", "repositoryId": "repo-1" """), "repositoryId", "UUID"),
        ["repositoryId is all zeros"] = new("POST", "/api/features", Feature(""", "repositoryId": "00000000-0000-0000-0000-000000000000" """), "repositoryId", "not a valid id"),
        ["title is a number"] = new("POST", "/api/features", Feature(""", "title": 123"""), "title", "a string"),
        ["testsRequired is a string"] = new("POST", "/api/features", Feature(""", "testsRequired": "yes" """), "testsRequired", "true or false"),
        ["draft files is an object"] = new("POST", "/api/features", """{"repositoryId": "{repo}", "title": "t", "description": "", "draft": {"files": {"path": "a"}}}""", "draft.files", "array"),
        ["title is too long"] = new("POST", "/api/features", Feature($$$""", "title": "{{{new string('x', 301)}}}" """), "title", "limit is 300"),
        ["repository without url"] = new("POST", "/api/repositories", """{"name": "no-url"}""", "url"),

        // Draft paths that leave the repository.
        ["draft path climbs out"] = new("POST", "/api/features", FeatureWithFile("""{"path": "../../etc/passwd", "mode": "add", "content": "a"}"""), "draft.files[0].path", ".."),
        ["draft path is absolute"] = new("POST", "/api/features", FeatureWithFile("""{"path": "/etc/passwd", "mode": "add", "content": "a"}"""), "draft.files[0].path", "absolute"),
        ["draft path is in .git"] = new("POST", "/api/features", FeatureWithFile("""{"path": ".git/hooks/pre-commit", "mode": "add", "content": "a"}"""), "draft.files[0].path", ".git"),

        // Paging and query values.
        ["page is not a number"] = new("GET", "/api/features?page=abc", null, "page", "an integer"),
        ["page is zero"] = new("GET", "/api/features?page=0", null, "page"),
        ["pageSize is too large"] = new("GET", "/api/features?pageSize=100000", null, "pageSize"),
        ["pageSize overflows"] = new("GET", "/api/features?pageSize=99999999999999", null, "pageSize", "an integer"),
        ["unknown status filter"] = new("GET", "/api/features?status=Sleeping", null, Says: "AwaitingApproval"),
        ["repositoryId filter is not a UUID"] = new("GET", "/api/features?repositoryId=nope", null, "repositoryId", "UUID"),
        ["events after is negative"] = new("GET", "/api/features/{id}/events?after=-1", null, "after"),
        ["events limit is not a number"] = new("GET", "/api/features/{id}/events?limit=lots", null, "limit", "an integer"),
        ["runs limit is out of range"] = new("GET", "/api/repositories/{repo}/runs?limit=0", null, "limit"),

        // Ids, routes, methods, artifact names.
        ["feature id is not a UUID"] = new("GET", "/api/features/not-a-uuid", null),
        ["unknown repository"] = new("GET", "/api/repositories/{id}", null, Says: "No repository"),
        ["DELETE on the features collection"] = new("DELETE", "/api/features", null),
        ["PUT on the repositories collection"] = new("PUT", "/api/repositories", "{}"),
        ["artifact name with a control character"] = new("GET", "/api/features/{id}/artifacts/a%01b", null, "name", "control character"),
        ["artifact name with escape"] = new("GET", "/api/features/{id}/artifacts/%1B%5B2J", null, "name"),
        ["artifact name climbs out"] = new("GET", "/api/features/{id}/artifacts/..%2F..%2Fetc%2Fpasswd", null),
    };

    const string CallSubmit = """{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "submit_feature", "arguments": {"repository_id": "{repo}", "title": "hostile", "description": "", "tests_required": false, "draft_files": [{"path": "value.txt", "mode": "replace", "content": "42\n"}]""";

    static string Submit(string extra) => CallSubmit + extra + "}}}";

    static readonly Dictionary<string, McpCase> Mcp = new()
    {
        ["tools/call without a name"] = new("""{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"arguments": {}}}""", "params.name", -32602),
        ["tools/call with an empty name"] = new("""{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "", "arguments": {}}}""", "params.name", -32602),
        ["tools/call with array arguments"] = new("""{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get_feature", "arguments": [1]}}""", "JSON object", -32602),
        ["tools/call with string arguments"] = new("""{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get_feature", "arguments": "x"}}""", "JSON object", -32602),
        ["tools/call without params"] = new("""{"jsonrpc": "2.0", "id": 1, "method": "tools/call"}""", "params", -32602),
        ["approval_mode is a number"] = new(Submit(""", "approval_mode": 7"""), "approval_mode"),
        ["approval_mode is an unknown name"] = new(Submit(""", "approval_mode": "sometimes" """), "approval_mode must be one of auto, checkpoints, final"),
        ["draft mode is a number"] = new(Submit(""", "draft_files": [{"path": "a.txt", "mode": 9, "content": "a"}]"""), "mode"),
        ["title with escape sequences"] = new(Submit($$$""", "title": "{{{Esc}}}" """), "title contains an escape character"),
        ["description with NUL"] = new(Submit($$$""", "description": "{{{Nul}}}" """), "description contains a NUL"),
        ["repository_id is all zeros"] = new(Submit(""", "repository_id": "00000000-0000-0000-0000-000000000000" """), "repository_id 00000000-0000-0000-0000-000000000000 is not a valid id"),
        ["target_branch the remote lacks"] = new(Submit(""", "target_branch": "no-such" """), "'no-such' does not exist"),
        ["draft path climbs out"] = new(Submit(""", "draft_files": [{"path": "../x", "mode": "add", "content": "a"}]"""), "'..'"),
        ["feature_id is not a UUID"] = new("""{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get_feature", "arguments": {"feature_id": "x"}}}""", "feature_id must be a UUID"),
        ["page_size is out of range"] = new("""{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "list_features", "arguments": {"page_size": 0}}}""", "page_size"),
        ["revise notes with NUL"] = new("""{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "revise", "arguments": {"feature_id": "{id}", "notes": " """ + Nul + "\"}}}", "notes contains a NUL"),
    };

    static readonly string[] FrameworkPhrases =
        ["Implicit body", "Nullable`", "Nullable<", "Failed to bind", "System.", "Microsoft.", "LineNumber", "BytePositionInLine", "An error occurred", "Builder.Api", "Builder.Core"];

    public static TheoryData<string> HttpCases => new(Http.Keys);

    public static TheoryData<string> McpCases => new(Mcp.Keys);

    readonly BuilderApi _api = builder.Admin();
    readonly TestRepository _repository = TestRepository.CreateMakeProject();

    [Fact]
    public void The_corpus_has_at_least_60_cases() => (Http.Count + Mcp.Count).ShouldBeGreaterThanOrEqualTo(60);

    [Theory]
    [MemberData(nameof(HttpCases))]
    public async Task Hostile_HTTP_input_is_refused_with_a_problem_and_stores_nothing(string name)
    {
        var hostile = Http[name];
        var repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
        var stored = await CountAsync();

        using var request = new HttpRequestMessage(new HttpMethod(hostile.Method), Fill(hostile.Path, repositoryId));
        if (hostile.Body is not null)
            request.Content = new StringContent(Fill(hostile.Body, repositoryId), Encoding.UTF8, hostile.ContentType);
        using var response = await _api.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBeInRange(400, 499, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonNode.Parse(body)!;
        (problem["detail"] is not null || problem["errors"] is not null).ShouldBeTrue(body);
        foreach (var phrase in FrameworkPhrases)
            body.ShouldNotContain(phrase, Case.Sensitive, $"the problem speaks the framework's language: {body}");
        if (hostile.Field is { } field)
            problem["errors"]!.AsObject().Select(e => e.Key).ShouldContain(field, body);
        if (hostile.Says is { } says)
            body.ShouldContain(says, Case.Sensitive, body);
        (await CountAsync()).ShouldBe(stored, "nothing is stored for a refused request");
    }

    [Theory]
    [MemberData(nameof(McpCases))]
    public async Task Hostile_MCP_input_is_refused_with_the_reason_and_stores_nothing(string name)
    {
        var hostile = Mcp[name];
        var repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
        var stored = await CountAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(Fill(hostile.Body, repositoryId), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await _api.Http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, raw);
        var message = JsonRpcMessage(raw);

        string text;
        if (hostile.RpcCode is { } code)
        {
            message["error"]!["code"]!.GetValue<int>().ShouldBe(code, raw);
            text = message["error"]!["message"]!.GetValue<string>();
        }
        else
        {
            message["result"]!["isError"]!.GetValue<bool>().ShouldBeTrue(raw);
            text = message["result"]!["content"]![0]!["text"]!.GetValue<string>();
        }

        text.ShouldContain(hostile.Says, Case.Sensitive, raw);
        foreach (var phrase in FrameworkPhrases)
            text.ShouldNotContain(phrase, Case.Sensitive, raw);
        foreach (var restField in new[] { "repositoryId", "draft.files", "targetBranch", "approvalMode" })
            raw.ShouldNotContain(restField, Case.Sensitive, "a tool error names the tool's arguments");
        (await CountAsync()).ShouldBe(stored, "nothing is stored for a refused call");
    }

    [Fact]
    public async Task Enum_names_are_matched_without_regard_to_case_and_an_existing_target_branch_is_accepted()
    {
        var repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
        var response = await _api.Http.PostAsync("/api/features", new StringContent(
            Fill(Feature(""", "approvalMode": "Checkpoints", "targetBranch": "main" """), repositoryId).Replace("\"replace\"", "\"REPLACE\""),
            Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body);
        var feature = await _api.FeatureAsync(JsonNode.Parse(body)!["id"]!.GetValue<Guid>());
        feature["approvalMode"]!.GetValue<string>().ShouldBe("checkpoints");
        await _api.ActAsync(feature["id"]!.GetValue<Guid>(), "cancel");
    }

    [Fact]
    public async Task Every_repository_setting_round_trips_through_register_PATCH_and_GET()
    {
        var registered = new JsonObject
        {
            ["toolchain"] = "make",
            ["restoreCommand"] = "make deps",
            ["buildCommand"] = "make build",
            ["testCommand"] = "make test",
            ["allowedPaths"] = new JsonArray("src/**", "value.txt"),
            ["maxFileBytes"] = 4096,
            ["targetFramework"] = "net8.0",
            ["environment"] = new JsonObject { ["CI"] = "true", ["GOFLAGS"] = "-mod=vendor" },
            ["testReportPaths"] = new JsonArray("out/**/TEST-*.xml"),
            ["requiredReviews"] = 2,
            ["llm"] = new JsonObject { ["provider"] = "openai", ["model"] = "small", ["maxOutputTokens"] = 1000 },
        };
        var created = await _api.Http.PostAsJsonAsync("/api/repositories",
            new JsonObject { ["name"] = $"settings-{Guid.NewGuid():N}", ["url"] = _repository.RemotePath, ["settings"] = registered.DeepClone() });
        var createdBody = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, createdBody);
        var id = JsonNode.Parse(createdBody)!["id"]!.GetValue<Guid>();
        await SettingsShouldBeAsync(id, registered);

        var patched = new JsonObject
        {
            ["toolchain"] = "python",
            ["restoreCommand"] = "pip install -r requirements.txt",
            ["buildCommand"] = "python -m compileall .",
            ["testCommand"] = "pytest",
            ["allowedPaths"] = new JsonArray("app/**"),
            ["maxFileBytes"] = 8192,
            ["targetFramework"] = "net9.0",
            ["environment"] = new JsonObject { ["PYTHONHASHSEED"] = "0" },
            ["testReportPaths"] = new JsonArray("reports/*.xml", "more/*.xml"),
            ["requiredReviews"] = 1,
            ["llm"] = new JsonObject { ["provider"] = "anthropic", ["model"] = "large", ["maxOutputTokens"] = 2000 },
        };
        var response = await _api.Http.PatchAsJsonAsync($"/api/repositories/{id}", new JsonObject { ["settings"] = patched.DeepClone() });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await SettingsShouldBeAsync(id, patched);

        // A PATCH that leaves settings out keeps them.
        (await _api.Http.PatchAsJsonAsync($"/api/repositories/{id}", new { settings = new { } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await SettingsShouldBeAsync(id, patched);
    }

    async Task SettingsShouldBeAsync(Guid id, JsonObject expected)
    {
        var settings = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/repositories/{id}"))!["settings"]!;
        foreach (var (name, value) in expected)
            if (value is JsonObject nested)
                foreach (var (key, inner) in nested)
                    settings[name]![key]!.ToJsonString().ShouldBe(inner!.ToJsonString(), $"settings.{name}.{key}");
            else
                settings[name]!.ToJsonString().ShouldBe(value!.ToJsonString(), $"settings.{name}");
    }

    string Fill(string template, Guid repositoryId) =>
        template.Replace("{repo}", repositoryId.ToString()).Replace("{id}", Guid.NewGuid().ToString()).Replace("{url}", _repository.RemotePath);

    /// <summary>The JSON-RPC answer, whether it came as JSON or as a server-sent event.</summary>
    static JsonNode JsonRpcMessage(string raw) =>
        raw.TrimStart().StartsWith('{')
            ? JsonNode.Parse(raw)!
            : JsonNode.Parse(raw.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l["data:".Length..].Trim()).Last())!;

    Task<(int Features, int Repositories)> CountAsync() =>
        builder.WithDbAsync(db => Task.FromResult((db.Features.Count(), db.Repositories.Count())));

    public void Dispose() => _repository.Dispose();
}
