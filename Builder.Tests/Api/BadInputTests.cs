using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Api;

/// <summary>Every bad request gets a 4xx problem details that says what was wrong — never a 500, never a half-written record.</summary>
public sealed class BadInputTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>, IDisposable
{
    readonly BuilderApi _api = builder.Admin();
    readonly TestRepository _repository = TestRepository.CreateMakeProject();

    [Fact]
    public async Task Malformed_JSON_is_a_400_that_names_the_problem()
    {
        var response = await _api.Http.PostAsync("/api/features", new StringContent("{\"title\": \"x\",", Encoding.UTF8, "application/json"));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().ShouldContain("not valid JSON");
    }

    [Fact]
    public async Task A_wrong_type_is_a_400_that_names_the_field()
    {
        var response = await _api.Http.PostAsync("/api/features",
            new StringContent("{\"repositoryId\": 12, \"title\": \"x\", \"description\": \"\"}", Encoding.UTF8, "application/json"));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().ShouldContain("repositoryId");
    }

    [Fact]
    public async Task Missing_fields_are_listed_one_by_one()
    {
        var response = await _api.Http.PostAsJsonAsync("/api/features", new { });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        errors.ShouldContain("repositoryId");
        errors.ShouldContain("title");
        errors.ShouldContain("description");
        errors.ShouldContain("draft");
    }

    [Fact]
    public async Task An_unknown_repository_is_refused()
    {
        var response = await SubmitAsync(Guid.NewGuid(), [BuilderApi.File("a.txt", "a")]);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errors"]!["repositoryId"]![0]!.GetValue<string>().ShouldContain("No repository");
    }

    [Theory]
    [InlineData("ftp://example.com/repo.git", "not supported")]
    [InlineData("not a url", "not a URL git understands")]
    [InlineData("/definitely/not/here", "not a directory")]
    [InlineData("https://user:secret@example.com/repo.git", "credentials.token")]
    public async Task An_invalid_repository_URL_is_refused(string url, string expected)
    {
        var response = await _api.Http.PostAsJsonAsync("/api/repositories", new { name = $"bad-{Guid.NewGuid():N}", url });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errors"]!["url"]![0]!.GetValue<string>().ShouldContain(expected);
        (await builder.WithDbAsync(db => Task.FromResult(db.Repositories.Count(r => r.Url == url)))).ShouldBe(0);
    }

    [Fact]
    public async Task A_directory_that_is_not_a_git_repository_is_refused()
    {
        var empty = Directory.CreateTempSubdirectory("not-git-").FullName;
        var response = await _api.Http.PostAsJsonAsync("/api/repositories", new { name = $"nogit-{Guid.NewGuid():N}", url = empty });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errors"]!["url"]![0]!.GetValue<string>().ShouldContain("could not be read");
    }

    [Theory]
    [InlineData("../outside.txt", "'..'")]
    [InlineData("src/../../etc/passwd", "'..'")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData(".git/config", ".git")]
    [InlineData("src\\win.txt", "'\\'")]
    public async Task Draft_paths_that_leave_the_repository_are_refused(string path, string expected)
    {
        var repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
        var before = await builder.WithDbAsync(db => Task.FromResult(db.Features.Count()));

        var response = await SubmitAsync(repositoryId, [BuilderApi.File(path, "x")]);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errors"]!["draft.files[0].path"]![0]!.GetValue<string>().ShouldContain(expected);
        (await builder.WithDbAsync(db => Task.FromResult(db.Features.Count()))).ShouldBe(before, "nothing is stored for a refused request");
    }

    [Fact]
    public async Task A_10_MB_draft_file_is_refused_with_the_limit()
    {
        var repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
        var response = await SubmitAsync(repositoryId, [BuilderApi.File("big.txt", new string('x', 10 * 1024 * 1024))]);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errors"]!["draft.files[0].content"]![0]!.GetValue<string>().ShouldContain("the limit is 1,048,576 bytes");
    }

    [Fact]
    public async Task An_unknown_draft_mode_is_refused()
    {
        var repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
        var response = await SubmitAsync(repositoryId, [new { path = "a.txt", mode = "overwrite", content = "a" }]);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().ShouldContain("mode");
    }

    [Fact]
    public async Task An_unknown_status_filter_lists_the_valid_ones()
    {
        var problem = await ProblemAsync(await _api.Http.GetAsync("/api/features?status=Sleeping"), HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().ShouldContain("AwaitingApproval");
    }

    [Fact]
    public async Task An_unknown_feature_is_a_404_problem()
    {
        await ProblemAsync(await _api.Http.GetAsync($"/api/features/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ProblemAsync(await _api.ActAsync(Guid.NewGuid(), "approve"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_request_without_a_key_is_a_401_problem_and_health_needs_none()
    {
        using var anonymous = builder.CreateClient();
        var problem = await ProblemAsync(await anonymous.GetAsync("/api/features"), HttpStatusCode.Unauthorized);
        problem["detail"]!.GetValue<string>().ShouldContain("Bearer");

        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "bld_00000000_notarealkeynotarealkey");
        (await ProblemAsync(await anonymous.GetAsync("/api/features"), HttpStatusCode.Unauthorized))["detail"]!.GetValue<string>().ShouldContain("not valid");

        using var health = builder.CreateClient();
        (await health.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await health.GetAsync("/alive")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_API()
    {
        var document = JsonNode.Parse(await builder.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/api/features");
        paths.ShouldContain("/api/features/{id}/approve");
        paths.ShouldContain("/api/repositories");
        document["components"]!["securitySchemes"]!["ApiKey"]!["scheme"]!.GetValue<string>().ShouldBe("bearer");
    }

    Task<HttpResponseMessage> SubmitAsync(Guid repositoryId, object[] files) =>
        _api.Http.PostAsJsonAsync("/api/features", new { repositoryId, title = "bad input", description = "", draft = new { files } });

    static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonNode.Parse(body)!;
        problem["status"]!.GetValue<int>().ShouldBe((int)expected);
        return problem;
    }

    public void Dispose() => _repository.Dispose();
}
