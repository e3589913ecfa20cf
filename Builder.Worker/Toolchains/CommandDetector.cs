using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Entry point for the phases: which toolchain a repository uses and with which commands (the
/// repository's settings win over detection), which changed files are tests, and the per-test results
/// of a test run.
/// </summary>
public static class CommandDetector
{
    /// <summary>
    /// In detection order. Go comes before Node and Python because go.mod is unambiguous while a
    /// package.json or a requirements.txt often only serves tooling (linters, docs) in other
    /// repositories; Make comes last because a Makefile usually wraps one of the others, which report
    /// per test.
    /// </summary>
    public static IReadOnlyList<IToolchain> Toolchains { get; } =
        [new DotnetToolchain(), new GoToolchain(), new NodeToolchain(), new PythonToolchain(), new MakeToolchain()];

    public static IToolchain? Find(string name) =>
        Toolchains.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    public static ToolchainCommands Detect(string workspace, RepositorySettings settings) => Detect(workspace, settings, Toolchains);

    public static ToolchainCommands Detect(string workspace, RepositorySettings settings, IReadOnlyList<IToolchain> toolchains)
    {
        ToolchainCommands detected;
        if (settings.Toolchain is { Length: > 0 } name)
        {
            var chosen = toolchains.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
            if (chosen is null)
            {
                detected = ToolchainCommands.None($"repository settings name toolchain '{name}', which Builder does not know");
            }
            else
            {
                var commands = chosen.Commands(workspace, settings);
                detected = commands with { Source = $"toolchain {chosen.Name} from repository settings; {commands.Source}" };
            }
        }
        else
        {
            detected = FirstThatTests(workspace, settings, toolchains);
        }

        return ApplySettings(detected, settings);
    }

    /// <summary>
    /// The first detected toolchain that has a test command, else the first detected one: a Python
    /// project whose package.json only carries formatters and commit hooks is a Python project.
    /// </summary>
    static ToolchainCommands FirstThatTests(string workspace, RepositorySettings settings, IReadOnlyList<IToolchain> toolchains)
    {
        ToolchainCommands? first = null;
        foreach (var toolchain in toolchains.Where(t => t.Detect(workspace)))
        {
            var commands = toolchain.Commands(workspace, settings);
            if (commands.Test is not null)
                return commands;
            first ??= commands;
        }

        return first ?? ToolchainCommands.None("nothing detected");
    }

    /// <summary>Commands, variables and report paths from the settings replace or extend the detected ones.</summary>
    static ToolchainCommands ApplySettings(ToolchainCommands detected, RepositorySettings settings)
    {
        var overridden = new List<string>();
        string? Pick(string? setting, string? found, string what)
        {
            if (setting is null)
                return found;
            overridden.Add(what);
            // An empty setting switches the step off.
            return string.IsNullOrWhiteSpace(setting) ? null : setting;
        }

        var restore = Pick(settings.RestoreCommand, detected.Restore, "restore");
        var build = Pick(settings.BuildCommand, detected.Build, "build");
        var test = Pick(settings.TestCommand, detected.Test, "test");

        var environment = new Dictionary<string, string>(detected.Environment, StringComparer.Ordinal);
        foreach (var (key, value) in settings.Environment ?? new Dictionary<string, string>())
            environment[key] = value;
        if (settings.Environment is { Count: > 0 })
            overridden.Add("environment");

        return detected with
        {
            Restore = restore,
            Build = build,
            Test = test,
            Environment = environment,
            TestReportPaths = [.. detected.TestReportPaths, .. settings.TestReportPaths ?? []],
            // A test command of the repository's own may write no report Builder can read.
            ExitCodeTestId = settings.TestCommand is not null ? test : detected.ExitCodeTestId,
            Source = overridden.Count == 0 ? detected.Source : $"repository settings ({string.Join(", ", overridden)}) over {detected.Source}",
        };
    }

    /// <summary>Whether a changed file is part of the tests for the given toolchain (any toolchain's rule when unknown).</summary>
    public static bool IsTestFile(string toolchain, string relativePath, string? workspace = null) =>
        Find(toolchain) is { } t ? t.IsTestFile(relativePath, workspace) : Toolchains.Any(x => x.IsTestFile(relativePath, workspace));

    /// <summary>
    /// The per-test results of a test run: the toolchain's reports in <paramref name="reportsDirectory"/>,
    /// any <see cref="ToolchainCommands.TestReportPaths"/> in the workspace (TRX, JUnit XML, jest or go
    /// JSON). When there is no report at all and the commands allow it, the test command's exit code
    /// stands for one test, <see cref="ToolchainCommands.ExitCodeTestId"/> ("make test").
    /// </summary>
    /// <param name="testStartedUtc">
    /// When the test command started: report files in the workspace older than that are left over
    /// (or committed) from another run and are not read.
    /// </param>
    public static IReadOnlyList<TestCaseResult> ReadResults(
        ToolchainCommands commands, string reportsDirectory, string workspace, int? testExitCode = null, DateTime? testStartedUtc = null)
    {
        var reports = new List<IReadOnlyList<TestCaseResult>>();
        if (Find(commands.Toolchain) is { } toolchain)
            reports.Add(toolchain.ReadResults(reportsDirectory, workspace));
        // File times have a coarse resolution on some file systems.
        var notBefore = testStartedUtc?.AddSeconds(-2) ?? DateTime.MinValue;
        foreach (var glob in commands.TestReportPaths)
        {
            foreach (var file in WorkspacePaths.Glob(workspace, glob).Where(f => File.GetLastWriteTimeUtc(f) >= notBefore).Order(StringComparer.Ordinal))
                reports.Add(ReadAny(file, workspace));
        }

        var results = TestIdentity.Merge(reports);
        if (results.Count > 0 || commands.ExitCodeTestId is not { } id || testExitCode is null)
            return results;
        return
        [
            new TestCaseResult(id, id, testExitCode == 0 ? TestOutcome.Passed : TestOutcome.Failed)
            {
                Message = testExitCode == 0 ? null : $"exited with code {testExitCode}; the command wrote no per-test report",
            },
        ];
    }

    /// <summary>A report of any kind Builder reads, recognised by its name and content.</summary>
    public static IReadOnlyList<TestCaseResult> ReadAny(string file, string workspace)
    {
        if (file.EndsWith(".trx", StringComparison.OrdinalIgnoreCase))
            return TrxReader.Read(file, new CSharpClassIndex(workspace).FileOf);
        if (file.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
            return JUnitReader.IsJUnit(file) ? TestIdentity.Distinct(JUnitReader.Read(file).Select(c => JUnitReader.ToResult(c, workspace))) : [];
        if (file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            return NodeTestEventsReader.Read(file, workspace);
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(file);
            var head = new char[4096];
            var text = new string(head, 0, reader.Read(head, 0, head.Length));
            return text.Contains("\"Action\"", StringComparison.Ordinal) ? GoTestJsonReader.Read(file) : JestJsonReader.Read(file, workspace);
        }

        return [];
    }
}
