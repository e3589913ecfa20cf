using System.Diagnostics;

namespace Builder.Benchmarks.Verify;

/// <summary>How long each command of a proof took, and the whole proof from first command to push.</summary>
public sealed record TimedSteps(IReadOnlyList<(string Step, TimeSpan Duration)> Steps, TimeSpan Total);

/// <summary>
/// The proof a developer gives by hand that a feature is right: in a fresh clone, the feature's tests
/// alone fail on the base (the new test among the failures), the whole feature builds and passes every
/// test, and the branch is pushed. Plain git and dotnet commands, one after the other.
/// </summary>
public sealed class HandProof(Shell shell)
{
    /// <summary>
    /// Both sides compile without a resident compiler server or reused MSBuild nodes: Builder's
    /// sandboxed commands cannot keep one, and the figures then compare the same compiler work.
    /// </summary>
    static readonly string[] NoResidentServers = ["-nodeReuse:false", "-p:UseSharedCompilation=false"];

    public async Task<TimedSteps> RunAsync(string root, string remote, SampleFeature feature)
    {
        var work = Path.Combine(root, "by-hand");
        var steps = new List<(string, TimeSpan)>();
        var total = Stopwatch.StartNew();

        async Task<CommandResult> Step(string name, string directory, string file, params string[] args)
        {
            var result = await shell.RunAsync(directory, file, args);
            steps.Add((name, result.Duration));
            return result;
        }

        (await Step("git clone", root, "git", "clone", "--quiet", remote, work)).EnsureSucceeded();

        SampleRepository.Write(work, feature.TestFiles);
        (await Step("build (tests on base)", work, "dotnet", ["build", "-nologo", .. NoResidentServers])).EnsureSucceeded();
        var onBase = await Step("test (tests on base)", work, "dotnet", "test", "--no-build", "-nologo");
        if (onBase.ExitCode == 0 || !onBase.Output.Contains(feature.NewTest, StringComparison.Ordinal))
            throw new InvalidOperationException($"The new test {feature.NewTest} should fail on the base:\n{onBase.Output}");

        SampleRepository.Write(work, feature.Files);
        (await Step("build (change)", work, "dotnet", ["build", "-nologo", .. NoResidentServers])).EnsureSucceeded();
        (await Step("test (change)", work, "dotnet", "test", "--no-build", "-nologo")).EnsureSucceeded();

        (await Step("git commit", work, "git", "checkout", "--quiet", "-b", feature.Branch)).EnsureSucceeded();
        (await Step("git commit", work, "git", "add", "--all")).EnsureSucceeded();
        (await Step("git commit", work, "git", "-c", "user.name=Developer", "-c", "user.email=dev@localhost", "commit", "--quiet", "-m", feature.Title))
            .EnsureSucceeded();
        (await Step("git push", work, "git", "push", "--quiet", "origin", feature.Branch)).EnsureSucceeded();
        total.Stop();

        // Steps of one kind (the three git commands of a commit) are reported together.
        var merged = steps.GroupBy(s => s.Item1).Select(g => (g.Key, TimeSpan.FromTicks(g.Sum(s => s.Item2.Ticks)))).ToList();
        return new TimedSteps(merged, total.Elapsed);
    }
}
