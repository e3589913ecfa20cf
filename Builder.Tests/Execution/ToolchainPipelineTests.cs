using Builder.Tests.Support;

namespace Builder.Tests.Execution;

/// <summary>
/// For each of the five toolchains, a real project runs a genuine feature (code and its test) to
/// Completed through restore, build and the test-integrity contract in the sandbox; a change that
/// does not compile fails in Build and one that breaks its own test fails in Verify.
/// </summary>
public sealed class ToolchainPipelineTests(EmbeddedBuilder builder) : IClassFixture<EmbeddedBuilder>
{
    readonly BuilderApi _api = builder.Admin();

    [Theory]
    [MemberData(nameof(SampleProject.All), MemberType = typeof(SampleProject))]
    public async Task A_genuine_feature_completes_a_compile_error_fails_in_Build_and_a_failing_test_fails_in_Verify(string toolchain)
    {
        var sample = SampleProject.Named(toolchain);
        using var repository = TestRepository.Create(sample.Files);
        var repositoryId = await _api.RegisterRepositoryAsync(repository.RemotePath);
        var timeout = TimeSpan.FromMinutes(toolchain == "dotnet" ? 6 : 2);

        var genuine = await _api.SubmitAsync(repositoryId, $"Multiply ({toolchain})", sample.Genuine, testsRequired: true);
        var done = await _api.WaitForEndAsync(genuine, timeout);
        done["status"]!.GetValue<string>().ShouldBe("Completed", done.ToJsonString());
        var verdict = (await _api.EventsAsync(genuine)).Single(e => (string)e!["type"]! == "verification.passed");
        verdict!["payload"]!["failToPass"]!.AsArray().Count.ShouldBe(1, verdict.ToJsonString());
        var plan = System.Text.Json.Nodes.JsonNode.Parse(await _api.Http.GetStringAsync($"/api/features/{genuine}/artifacts/plan.json"))!;
        plan["toolchain"]!.GetValue<string>().ShouldBe(toolchain);

        var broken = await _api.SubmitAsync(repositoryId, $"Does not compile ({toolchain})", sample.CompileError, testsRequired: true);
        var failedBuild = await _api.WaitForEndAsync(broken, timeout);
        failedBuild["status"]!.GetValue<string>().ShouldBe("Failed", failedBuild.ToJsonString());
        failedBuild["error"]!["phase"]!.GetValue<string>().ShouldBe("build", failedBuild.ToJsonString());

        var failing = await _api.SubmitAsync(repositoryId, $"Wrong product ({toolchain})", sample.FailingTest, testsRequired: true);
        var failedTests = await _api.WaitForEndAsync(failing, timeout);
        failedTests["status"]!.GetValue<string>().ShouldBe("Failed", failedTests.ToJsonString());
        failedTests["error"]!["phase"]!.GetValue<string>().ShouldBe("verify");
        failedTests["error"]!["code"]!.GetValue<string>().ShouldBe("tests_failed");
        failedTests["error"]!["message"]!.GetValue<string>().ShouldContain("ul", Case.Insensitive);

        repository.Branches().Count.ShouldBe(2, "only the genuine feature is delivered");
    }
}
