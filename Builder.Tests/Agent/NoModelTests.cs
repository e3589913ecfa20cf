using System.Net;
using System.Net.Http.Json;
using Builder.Tests.Support;

namespace Builder.Tests.Agent;

/// <summary>Without a configured model, a request must bring its draft; the 400 says how to configure one.</summary>
public sealed class NoModelTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Fact]
    public async Task A_request_without_a_draft_is_a_400_that_says_how_to_configure_a_model()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);

        var response = await _api.Http.PostAsJsonAsync("/api/features", new { repositoryId, title = "No draft", description = "Write it yourself." });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("draft.files is required");
        body.ShouldContain("Builder:Llm:Provider");
        body.ShouldContain("Builder:Llm:Model");
    }

    [Fact]
    public async Task A_repository_may_not_choose_its_own_endpoint_unless_the_installation_allows_it()
    {
        using var repository = TestRepository.CreateMakeProject();
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath,
            settings: new { llm = new { provider = "openai", model = "m", endpoint = "http://127.0.0.1:9/v1" } });

        var response = await _api.Http.PostAsJsonAsync("/api/features", new { repositoryId, title = "No draft", description = "Write it yourself." });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("AllowRepositoryEndpoints");
    }
}
