using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Execution.RealRepositories;

/// <summary>
/// The test-integrity contract on a C# library shaped like a real one (<see cref="SlugsLibrary"/>):
/// a genuine feature that adds tests beside unchanged ones completes, and each corruption of it is
/// refused for its own rule, naming the tests. All runs share one base, so the base suite runs once.
/// </summary>
public sealed class CSharpLibraryContractTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>, IDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);
    readonly BuilderApi _api = builder.Admin();
    readonly TestRepository _repository = TestRepository.Create(SlugsLibrary.Files);

    static object Replace(string path, string content) => BuilderApi.File(path, content, "replace");

    [Fact]
    public async Task A_genuine_feature_completes_and_each_corruption_is_refused_for_its_own_rule()
    {
        var repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
        var genuine = await SubmitAsync(repositoryId, "Collapse repeated spaces",
            Replace(SlugsLibrary.Source, SlugsLibrary.FeatureSlug), Replace(SlugsLibrary.TestFile, SlugsLibrary.FeatureTests));
        var done = await _api.WaitForEndAsync(genuine, Timeout);
        done["status"]!.GetValue<string>().ShouldBe("Completed", done.ToJsonString());

        var results = JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{genuine}/artifacts/test-results.json"))!;
        var verdict = results["verdict"]!;
        Strings(verdict["failToPass"]).ShouldBe(["Slugs.Tests.SlugTests.Collapses_repeated_spaces"], results.ToJsonString());
        Strings(verdict["newPassing"]).ShouldBe(["Slugs.Tests.SlugTests.Keeps_a_single_word"]);
        verdict["violations"]!.AsArray().ShouldBeEmpty();
        // The theory's cases print the extended record differently and are still the same tests.
        Strings(verdict["renamed"]).Count.ShouldBe(2);
        Strings(verdict["renamed"]).ShouldAllBe(r => r.Contains("Lowercase = True"));
        var change = results["change"]!.AsArray();
        change.Select(t => (string)t!["id"]!).ShouldContain(id => id.StartsWith("Slugs.Tests.SlugTests.Uses_the_separator("));
        change.Single(t => ((string)t!["id"]!).EndsWith("Folds_accents"))!["outcome"]!.GetValue<string>().ShouldBe("skipped");

        var events = await _api.EventsAsync(genuine);
        var notices = events.Where(e => (string)e!["type"]! == "toolchain.notice").Select(e => e!["payload"]!["notice"]!.GetValue<string>()).ToList();
        notices.ShouldContain(n => n.Contains("Slugs.Demo"), string.Join("\n", notices));
        notices.ShouldContain(n => n.Contains("net48"), string.Join("\n", notices));

        // The corruptions run on the same base: its results come from the cache.
        var dropped = await SubmitAsync(repositoryId, "Implementation dropped", Replace(SlugsLibrary.TestFile, SlugsLibrary.FeatureTests));
        var noTests = await SubmitAsync(repositoryId, "Tests dropped", Replace(SlugsLibrary.Source, SlugsLibrary.FeatureSlug));
        var deleted = await SubmitAsync(repositoryId, "Deletes a test", Replace(SlugsLibrary.Source, SlugsLibrary.FeatureSlug),
            Replace(SlugsLibrary.TestFile, Without(SlugsLibrary.FeatureTests, "[Theory]\n        [InlineData(\"a b\"", "public void Joins_words(string input, string expected) => Assert.Equal(expected, Slug.From(input));\n")));
        var skipped = await SubmitAsync(repositoryId, "Skips a test", Replace(SlugsLibrary.Source, SlugsLibrary.FeatureSlug),
            Replace(SlugsLibrary.TestFile, SlugsLibrary.FeatureTests.Replace("[Fact]\n        public void Lowercases()", "[Fact(Skip = \"flaky\")]\n        public void Lowercases()")));
        var weakened = await SubmitAsync(repositoryId, "Weakens a test", Replace(SlugsLibrary.Source, SlugsLibrary.FeatureSlug),
            Replace(SlugsLibrary.TestFile, SlugsLibrary.FeatureTests.Replace("            Assert.Equal(\"hello-world\", Slug.From(\"Hello World\"));\n", "")));

        await ShouldFailAsync(dropped, "tests_failed", "Collapses_repeated_spaces");
        await ShouldFailAsync(noTests, "integrity_violation", "NO_TEST");
        await ShouldFailAsync(deleted, "integrity_violation", "TEST_DELETED", "Joins_words");
        await ShouldFailAsync(skipped, "integrity_violation", "TEST_SKIPPED", "Slugs.Tests.SlugTests.Lowercases");
        await ShouldFailAsync(weakened, "integrity_violation", "ASSERTION_REMOVED", "SlugTests.Lowercases", "Assert.Equal(\"hello-world\"");

        var reused = (await _api.EventsAsync(weakened)).Where(e => (string)e!["type"]! == "base_results.reused").ToList();
        reused.ShouldHaveSingleItem()!["payload"]!["measuredBy"]!.GetValue<Guid>().ShouldBe(genuine);
    }

    async Task<Guid> SubmitAsync(Guid repositoryId, string title, params object[] files) => await _api.SubmitAsync(repositoryId, title, files, testsRequired: true);

    async Task ShouldFailAsync(Guid id, string code, params string[] mentions)
    {
        var feature = await _api.WaitForEndAsync(id, Timeout);
        feature["status"]!.GetValue<string>().ShouldBe("Failed", feature.ToJsonString());
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("verify", feature.ToJsonString());
        feature["error"]!["code"]!.GetValue<string>().ShouldBe(code, feature.ToJsonString());
        var message = feature["error"]!["message"]!.GetValue<string>();
        foreach (var mention in mentions)
            message.ShouldContain(mention, Case.Sensitive, message);
    }

    /// <summary>The text without the part from <paramref name="from"/> to the end of <paramref name="through"/>.</summary>
    static string Without(string text, string from, string through)
    {
        var start = text.IndexOf(from, StringComparison.Ordinal);
        var end = text.IndexOf(through, start, StringComparison.Ordinal) + through.Length;
        start.ShouldBeGreaterThanOrEqualTo(0);
        return text[..start] + text[end..];
    }

    static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    public void Dispose() => _repository.Dispose();
}
