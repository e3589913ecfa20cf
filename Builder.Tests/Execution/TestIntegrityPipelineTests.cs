using Builder.Tests.Support;

namespace Builder.Tests.Execution;

/// <summary>The test-integrity contract, end to end on a real pytest project.</summary>
public sealed class TestIntegrityPipelineTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>, IDisposable
{
    const string Calc = "def add(a, b):\n    return a + b\n";
    const string CalcWithMul = Calc + "\n\ndef mul(a, b):\n    return a * b\n";
    const string AddTests = "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n    assert add(0, 0) == 0\n";
    const string MulTest = "from calc import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n";

    readonly BuilderApi _api = builder.Admin();
    readonly TestRepository _repository = TestRepository.Create(new Dictionary<string, string>
    {
        ["calc.py"] = Calc, ["tests/test_calc.py"] = AddTests, ["pytest.ini"] = "[pytest]\n",
    });

    static object Replace(string path, string content) => BuilderApi.File(path, content, "replace");

    async Task<System.Text.Json.Nodes.JsonNode> RunAsync(string title, object[] files, bool testsRequired = true)
    {
        var repositoryId = await _api.RegisterRepositoryAsync(_repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, title, files, testsRequired: testsRequired);
        return await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(2));
    }

    static void ShouldBeRefused(System.Text.Json.Nodes.JsonNode feature, string rule, string test)
    {
        feature["status"]!.GetValue<string>().ShouldBe("Failed", feature.ToJsonString());
        feature["error"]!["phase"]!.GetValue<string>().ShouldBe("verify");
        var message = feature["error"]!["message"]!.GetValue<string>();
        message.ShouldContain(rule);
        message.ShouldContain(test);
    }

    [Fact]
    public async Task A_genuine_feature_with_its_test_is_accepted()
    {
        var feature = await RunAsync("Genuine", [Replace("calc.py", CalcWithMul), BuilderApi.File("tests/test_mul.py", MulTest)]);
        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var results = System.Text.Json.Nodes.JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{feature["id"]}/artifacts/test-results.json"))!;
        results["verdict"]!["failToPass"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["tests.test_mul.test_mul"]);
        results["summary"]!["passed"]!.GetValue<int>().ShouldBe(2);

        var detail = await _api.FeatureAsync(feature["id"]!.GetValue<Guid>());
        detail["tests"]!["passed"]!.GetValue<int>().ShouldBe(2);
        detail["tests"]!["failed"]!.GetValue<int>().ShouldBe(0);
        detail["tests"]!["integrityPassed"]!.GetValue<bool>().ShouldBeTrue();
        var tests = System.Text.Json.Nodes.JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{feature["id"]}/tests"))!;
        tests["change"]!.AsArray().Select(t => (string)t!["id"]!).ShouldBe(["tests.test_calc.test_add", "tests.test_mul.test_mul"], ignoreOrder: true);
        tests["base"]!.AsArray().Select(t => (string)t!["id"]!).ShouldBe(["tests.test_calc.test_add"]);
    }

    [Fact]
    public async Task A_new_test_that_also_passes_on_the_base_is_refused_as_vacuous()
    {
        var feature = await RunAsync("Vacuous", [Replace("calc.py", CalcWithMul),
            BuilderApi.File("tests/test_more.py", "from calc import add\n\n\ndef test_add_again():\n    assert add(2, 2) == 4\n")]);
        ShouldBeRefused(feature, "VACUOUS_TEST", "test_add_again");
    }

    [Fact]
    public async Task A_deleted_test_is_refused()
    {
        var feature = await RunAsync("Deletes a test", [Replace("calc.py", CalcWithMul), Replace("tests/test_calc.py", "from calc import add\n"),
            BuilderApi.File("tests/test_mul.py", MulTest)]);
        ShouldBeRefused(feature, "TEST_DELETED", "test_add");
    }

    [Fact]
    public async Task A_newly_skipped_test_is_refused()
    {
        var feature = await RunAsync("Skips a test", [Replace("calc.py", CalcWithMul),
            Replace("tests/test_calc.py", "import pytest\n" + AddTests.Replace("def test_add", "@pytest.mark.skip(reason='later')\ndef test_add")),
            BuilderApi.File("tests/test_mul.py", MulTest)]);
        ShouldBeRefused(feature, "TEST_SKIPPED", "test_add");
    }

    [Fact]
    public async Task An_existing_test_broken_by_the_change_is_refused()
    {
        var feature = await RunAsync("Breaks add", [Replace("calc.py", CalcWithMul.Replace("return a + b", "return a - b")),
            BuilderApi.File("tests/test_mul.py", MulTest)]);
        ShouldBeRefused(feature, "PASS_TO_PASS", "test_add");
    }

    [Fact]
    public async Task A_removed_assertion_is_refused()
    {
        var feature = await RunAsync("Weakens a test", [Replace("calc.py", CalcWithMul), Replace("tests/test_calc.py", AddTests.Replace("    assert add(0, 0) == 0\n", "")),
            BuilderApi.File("tests/test_mul.py", MulTest)]);
        ShouldBeRefused(feature, "ASSERTION_REMOVED", "assert add(0, 0) == 0");
    }

    [Fact]
    public async Task A_change_with_no_test_is_refused_unless_tests_are_not_required()
    {
        ShouldBeRefused(await RunAsync("No test", [Replace("calc.py", CalcWithMul)]), "NO_TEST", "adds or changes no test");
        (await RunAsync("No test needed", [Replace("calc.py", CalcWithMul)], testsRequired: false))["status"]!.GetValue<string>().ShouldBe("Completed");
    }

    [Fact]
    public async Task A_suite_that_aborts_on_the_base_counts_the_new_tests_as_failing_there_and_says_so()
    {
        // On the base, the code under test ends the whole test process: no report is written at all.
        using var repository = TestRepository.Create(new Dictionary<string, string>
        {
            ["calc.py"] = Calc + "\n\ndef parse(text):\n    import os\n    os._exit(3)\n",
            ["tests/test_calc.py"] = AddTests,
            ["pytest.ini"] = "[pytest]\n",
        });
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var id = await _api.SubmitAsync(repositoryId, "Parse numbers", [
            Replace("calc.py", Calc + "\n\ndef parse(text):\n    return int(text)\n"),
            Replace("tests/test_calc.py", AddTests + "\n\ndef test_parse():\n    from calc import parse\n    assert parse('42') == 42\n"),
        ], testsRequired: true);
        var feature = await _api.WaitForEndAsync(id, TimeSpan.FromMinutes(2));

        feature["status"]!.GetValue<string>().ShouldBe("Completed", feature.ToJsonString());
        var events = await _api.EventsAsync(id);
        var notice = events.Single(e => (string)e!["type"]! == "verification.notice")!["payload"]!;
        notice["notice"]!.GetValue<string>().ShouldContain("aborted");
        notice["tests"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["tests.test_calc.test_parse"]);
        var passed = events.Single(e => (string)e!["type"]! == "verification.passed")!["payload"]!;
        passed["failToPass"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["tests.test_calc.test_parse"]);
    }

    public void Dispose() => _repository.Dispose();
}
