using System.Text.Json.Nodes;
using Builder.Tests.Support;

namespace Builder.Tests.Execution.RealRepositories;

/// <summary>
/// The test-integrity contract on TypeScript packages shaped like real ones: a jest CLI tool whose
/// tests read process.argv (<see cref="FlagParserPackage"/>) and a vitest package whose test script
/// chains lint after the tests (<see cref="DurationsPackage"/>). Genuine features complete with a
/// per-test verdict; each corruption of the jest one is refused for its own rule, naming the tests.
/// One Builder serves all tests, so npm installs come from its package cache after the first.
/// </summary>
public sealed class TypeScriptContractTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);
    readonly BuilderApi _api = builder.Admin();

    static object Replace(string path, string content) => BuilderApi.File(path, content, "replace");

    [Fact]
    public async Task Jest_feature_completes_and_each_corruption_is_refused_for_its_own_rule()
    {
        using var repository = TestRepository.Create(FlagParserPackage.Files);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var genuine = await SubmitAsync(repositoryId, "Accept -v and --",
            Replace(FlagParserPackage.Source, FlagParserPackage.FeatureArgs), Replace(FlagParserPackage.TestFile, FlagParserPackage.FeatureTests));
        await ShouldCompleteAsync(genuine);

        const string file = FlagParserPackage.TestFile;
        var results = await TestResultsAsync(genuine);
        var verdict = results["verdict"]!;
        Strings(verdict["failToPass"]).ShouldBe([
            $"{file} > parseArgs > flags > accepts -v for --verbose",
            $"{file} > parseArgs > flags > treats everything after -- as names",
        ], results.ToJsonString());
        Strings(verdict["newPassing"]).ShouldBe([$"{file} > parseArgs > flags > still rejects unknown short flags"]);
        verdict["violations"]!.AsArray().ShouldBeEmpty();

        var change = Results(results["change"]);
        change.Keys.ShouldBe([
            $"{file} > parseArgs > collects the names of [\"--verbose\",\"c\"]",
            $"{file} > parseArgs > collects the names of [\"a\",\"b\"]",
            $"{file} > parseArgs > flags > accepts -v for --verbose",
            $"{file} > parseArgs > flags > reads defaults from an rc file",
            $"{file} > parseArgs > flags > rejects unknown ones",
            $"{file} > parseArgs > flags > still rejects unknown short flags",
            $"{file} > parseArgs > flags > treats everything after -- as names",
            $"{file} > parseArgs > flags > turns on verbose output",
            $"{file} > parseArgs > parses the real command line cleanly",
            "src/__tests__/usage.test.ts > usage > names the flags",
        ], ignoreOrder: true, results.ToJsonString());
        change.ShouldAllBe(t => (string?)t.Value["file"] == t.Key.Split(" > ", 2, StringSplitOptions.None)[0]);
        // The runner's report options never reached the tests' command line.
        Outcome(change[$"{file} > parseArgs > parses the real command line cleanly"]).ShouldBe("passed", results.ToJsonString());
        // Skipped with and without the change: not newly skipped.
        Outcome(change[$"{file} > parseArgs > flags > reads defaults from an rc file"]).ShouldBe("skipped");
        Outcome(Results(results["base"])[$"{file} > parseArgs > flags > reads defaults from an rc file"]).ShouldBe("skipped");

        // The corruptions run on the same base, together: its results come from the cache.
        var feature = Replace(FlagParserPackage.Source, FlagParserPackage.FeatureArgs);
        var tests = FlagParserPackage.FeatureTests;
        var dropped = await SubmitAsync(repositoryId, "Implementation dropped", Replace(FlagParserPackage.TestFile, tests));
        var noTests = await SubmitAsync(repositoryId, "Tests dropped", feature);
        var deleted = await SubmitAsync(repositoryId, "Deletes a test", feature,
            Replace(FlagParserPackage.TestFile, Without(tests, "    it('rejects unknown ones'", "unknown flag --json');\n    });\n\n")));
        var skipped = await SubmitAsync(repositoryId, "Skips a test", feature,
            Replace(FlagParserPackage.TestFile, Changed(tests, "it('turns on verbose output'", "it.skip('turns on verbose output'")));
        var weakened = await SubmitAsync(repositoryId, "Weakens a test", feature,
            Replace(FlagParserPackage.TestFile, Changed(tests, "      expect(options.names).toEqual([]);\n", "")));

        await ShouldFailAsync(dropped, "tests_failed", "accepts -v for --verbose", "treats everything after -- as names");
        await ShouldFailAsync(noTests, "integrity_violation", "NO_TEST");
        await ShouldFailAsync(deleted, "integrity_violation", "TEST_DELETED", $"{file} > parseArgs > flags > rejects unknown ones");
        await ShouldFailAsync(skipped, "integrity_violation", "TEST_SKIPPED", $"{file} > parseArgs > flags > turns on verbose output");
        await ShouldFailAsync(weakened, "integrity_violation", "ASSERTION_REMOVED", "parseArgs > flags > turns on verbose output", "expect(options.names).toEqual([])");

        var reused = (await _api.EventsAsync(weakened)).Where(e => (string)e!["type"]! == "base_results.reused").ToList();
        reused.ShouldHaveSingleItem()!["payload"]!["measuredBy"]!.GetValue<Guid>().ShouldBe(genuine);
    }

    [Fact]
    public async Task Vitest_feature_with_lint_chained_after_the_tests_completes_with_per_test_results()
    {
        using var repository = TestRepository.Create(DurationsPackage.Files);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var genuine = await SubmitAsync(repositoryId, "Read days",
            Replace(DurationsPackage.Source, DurationsPackage.FeatureDuration), Replace(DurationsPackage.TestFile, DurationsPackage.FeatureTests));
        await ShouldCompleteAsync(genuine);

        const string file = DurationsPackage.TestFile;
        var results = await TestResultsAsync(genuine);
        var verdict = results["verdict"]!;
        Strings(verdict["failToPass"]).ShouldBe([$"{file} > parseDuration > reads days"], results.ToJsonString());
        Strings(verdict["newPassing"]).ShouldBe([$"{file} > parseDuration > still rejects unknown units"]);
        verdict["violations"]!.AsArray().ShouldBeEmpty();

        var change = Results(results["change"]);
        change.Keys.ShouldBe([
            $"{file} > parseDuration > reads 250ms",
            $"{file} > parseDuration > reads 2s",
            $"{file} > parseDuration > reads 1h30m",
            $"{file} > parseDuration > rejects text that is not a duration",
            $"{file} > parseDuration > reads days",
            $"{file} > parseDuration > still rejects unknown units",
            "test/format.test.ts > formatDuration > leaves out zero parts",
            "test/format.test.ts > formatDuration > says 0s for nothing",
        ], ignoreOrder: true, results.ToJsonString());
        change.Values.Select(Outcome).ShouldAllBe(o => o == "passed");
        change.ShouldAllBe(t => (string?)t.Value["file"] == t.Key.Split(" > ", 2, StringSplitOptions.None)[0] && t.Value["line"] != null);

        // The tests ran and passed; the lint after them, which cannot run here, did not.
        var completed = (await _api.EventsAsync(genuine)).Last(e => (string)e!["type"]! == "tests.completed")!["payload"]!;
        completed["command"]!.GetValue<string>().ShouldNotContain("eslint");
        completed["exitCode"]!.GetValue<int>().ShouldBe(0);
    }

    /// <summary>Submits with tests required, as a feature's requester does by default.</summary>
    async Task<Guid> SubmitAsync(Guid repositoryId, string title, params object[] files) =>
        await _api.SubmitAsync(repositoryId, title, files, testsRequired: true);

    async Task ShouldCompleteAsync(Guid id)
    {
        var done = await _api.WaitForEndAsync(id, Timeout);
        done["status"]!.GetValue<string>().ShouldBe("Completed", done.ToJsonString());
    }

    async Task<JsonNode> TestResultsAsync(Guid id) =>
        JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{id}/artifacts/test-results.json"))!;

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

    /// <summary>The text with one occurrence of <paramref name="part"/> replaced, failing when the fixture lacks it.</summary>
    static string Changed(string text, string part, string replacement)
    {
        text.ShouldContain(part, Case.Sensitive);
        return text.Replace(part, replacement, StringComparison.Ordinal);
    }

    /// <summary>The text without the part from <paramref name="from"/> to the end of <paramref name="through"/>.</summary>
    static string Without(string text, string from, string through)
    {
        var start = text.IndexOf(from, StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0);
        var end = text.IndexOf(through, start, StringComparison.Ordinal);
        end.ShouldBeGreaterThanOrEqualTo(0);
        return text[..start] + text[(end + through.Length)..];
    }

    static Dictionary<string, JsonNode> Results(JsonNode? node) =>
        node!.AsArray().ToDictionary(t => (string)t!["id"]!, t => t!);

    static string Outcome(JsonNode result) => result["outcome"]!.GetValue<string>();

    static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
