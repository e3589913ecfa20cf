using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// One ecosystem Builder knows how to restore, build and test: how to recognise a repository of it,
/// the commands to run, which files are tests, and how to read its test runner's report.
/// </summary>
public interface IToolchain
{
    /// <summary>dotnet, node, python, go or make; also the value of <see cref="RepositorySettings.Toolchain"/>.</summary>
    string Name { get; }

    bool Detect(string workspace);

    /// <summary>
    /// The commands for this repository. The test command writes its report into the folder named by
    /// <see cref="ToolchainCommands.ReportsVariable"/>; build and test must not need the network.
    /// </summary>
    ToolchainCommands Commands(string workspace, RepositorySettings settings);

    /// <summary>
    /// Whether a changed file belongs to the tests rather than the production code, so the tests of a
    /// change can be replayed alone on the base commit. <paramref name="workspace"/>, when given,
    /// lets a toolchain look at project files (a .NET test project is one that references a test SDK).
    /// </summary>
    bool IsTestFile(string relativePath, string? workspace = null);

    /// <summary>The per-test results found in the reports the test command wrote.</summary>
    IReadOnlyList<TestCaseResult> ReadResults(string reportsDirectory, string workspace);
}
