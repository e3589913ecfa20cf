using System.Diagnostics;
using System.Text.RegularExpressions;
using Builder.Core.Domain;
using Builder.Worker.Verification;

namespace Builder.Worker.Toolchains;

/// <summary>
/// Python: pytest when the repository uses it (or does not use unittest) and an interpreter here can
/// import it; otherwise unittest through <see cref="PythonUnittestRunner"/>. There is no restore: no
/// package index is reachable, so the tests run with what the interpreter already has.
/// </summary>
public sealed partial class PythonToolchain : IToolchain
{
    readonly IReadOnlyList<string> interpreters;
    readonly Func<string, bool> canImportPytest;

    /// <param name="interpreters">Candidates in order of preference; a repository's own .venv comes first.</param>
    /// <param name="canImportPytest">Probe, replaceable in tests; by default runs the interpreter.</param>
    public PythonToolchain(IReadOnlyList<string>? interpreters = null, Func<string, bool>? canImportPytest = null)
    {
        // Debian's python3-pytest installs for /usr/bin/python3, which need not be the python3 on PATH.
        this.interpreters = interpreters ?? ["python3", "/usr/bin/python3"];
        this.canImportPytest = canImportPytest ?? ProbePytest;
    }

    public string Name => "python";

    static readonly string[] Markers = ["pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "pytest.ini", "tox.ini", "conftest.py"];

    public bool Detect(string workspace) =>
        Markers.Any(m => File.Exists(Path.Combine(workspace, m)))
        || WorkspacePaths.Files(workspace, "test_*.py", 0).Any()
        || new[] { "tests", "test" }.Any(d => WorkspacePaths.Files(Path.Combine(workspace, d), "test_*.py", 3).Any());

    public ToolchainCommands Commands(string workspace, RepositorySettings settings)
    {
        var candidates = new[] { ".venv/bin/python", "venv/bin/python" }
            .Where(v => File.Exists(Path.Combine(workspace, v)))
            .Concat(interpreters)
            .ToList();

        // A suite of TestCase classes only is run the way it was written for, by unittest.
        var wantsPytest = UsesPytest(workspace) || !UsesUnittestOnly(workspace);
        var pytest = wantsPytest ? candidates.FirstOrDefault(canImportPytest) : null;
        string test, source;
        if (pytest is not null)
        {
            test = PytestCommand(pytest);
            source = $"detected: pytest ({pytest})";
        }
        else
        {
            test = PythonUnittestRunner.Command(candidates[0]);
            source = wantsPytest ? $"detected: pytest is not installed for {string.Join(", ", candidates)}; running unittest" : "detected: unittest";
        }

        // Python has no compiler, but a syntax error is a build failure, not a test failure: parse every
        // module (without writing bytecode into the repository) before the tests run.
        var build = $"{candidates[0]} -c \"import ast, pathlib, sys; [ast.parse(p.read_bytes(), str(p)) for p in pathlib.Path('.').rglob('*.py') if not any(part.startswith('.') or part in ('node_modules', 'venv', '__pycache__') for part in p.parts)]\"";
        return new ToolchainCommands(Name, null, build, test, source)
        {
            Environment = new Dictionary<string, string>
            {
                ["PYTHONDONTWRITEBYTECODE"] = "1",
                // Set and dict orders, which some parametrised test ids print, are stable from run to run.
                ["PYTHONHASHSEED"] = "0",
                ["PIP_NO_INPUT"] = "1",
            },
        };
    }

    /// <summary>
    /// pytest with its report options in PYTEST_ADDOPTS rather than on its command line, where tests
    /// that read sys.argv would see them; options the repository's settings put in the variable stay.
    /// No cache folder, no bytecode: the run must not leave files in the repository.
    /// </summary>
    public static string PytestCommand(string python) =>
        $"PYTEST_ADDOPTS=\"$PYTEST_ADDOPTS -p no:cacheprovider --junitxml='${ToolchainCommands.ReportsVariable}/pytest.xml' -o junit_family=xunit2 -q\" {python} -m pytest";

    static bool UsesPytest(string workspace) =>
        File.Exists(Path.Combine(workspace, "pytest.ini")) || File.Exists(Path.Combine(workspace, "conftest.py"))
        || new[] { "pyproject.toml", "setup.cfg", "tox.ini", "setup.py", "requirements.txt", "requirements-dev.txt", "requirements-test.txt", "dev-requirements.txt" }
            .Select(f => Path.Combine(workspace, f))
            .Any(f => File.Exists(f) && File.ReadAllText(f).Contains("pytest", StringComparison.OrdinalIgnoreCase))
        || TestFiles(workspace).Any(f => PytestImport().IsMatch(File.ReadAllText(f)));

    static bool UsesUnittestOnly(string workspace)
    {
        var texts = TestFiles(workspace).Select(File.ReadAllText).ToList();
        return texts.Any(t => TestCaseClass().IsMatch(t)) && !texts.Any(t => TestFunction().IsMatch(t));
    }

    static IEnumerable<string> TestFiles(string workspace) =>
        WorkspacePaths.Files(workspace, "test*.py", 4).Concat(WorkspacePaths.Files(workspace, "*_test.py", 4)).Take(200);

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (bool Found, DateTime At)> Probes = new();

    /// <summary>Starting an interpreter takes a second or two (pyenv shims): the answer is kept a while.</summary>
    static bool ProbePytest(string python)
    {
        if (Probes.TryGetValue(python, out var known) && DateTime.UtcNow - known.At < TimeSpan.FromMinutes(10))
            return known.Found;
        var found = RunProbe(python);
        Probes[python] = (found, DateTime.UtcNow);
        return found;
    }

    static bool RunProbe(string python)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(python, ["-c", "import pytest"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
                return false;
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public bool IsTestFile(string relativePath, string? workspace = null)
    {
        var path = relativePath.Replace('\\', '/');
        var name = Path.GetFileName(path);
        return name.StartsWith("test_", StringComparison.Ordinal) && name.EndsWith(".py", StringComparison.Ordinal)
               || name.EndsWith("_test.py", StringComparison.Ordinal)
               || name == "conftest.py"
               || WorkspacePaths.Folders(path).Any(f => f is "tests" or "test");
    }

    public IReadOnlyList<TestCaseResult> ReadResults(string reportsDirectory, string workspace)
    {
        if (!Directory.Exists(reportsDirectory))
            return [];
        return TestIdentity.Merge(Directory.EnumerateFiles(reportsDirectory, "*.xml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => ReadJUnit(f, workspace)));
    }

    /// <summary>
    /// pytest and the unittest runner both write classname "pkg.module.Class" and name "test[case]";
    /// the file is the longest dotted prefix that is a .py file in the repository.
    /// </summary>
    public static IReadOnlyList<TestCaseResult> ReadJUnit(string path, string workspace) =>
        TestIdentity.Distinct(JUnitReader.Read(path).Select(c =>
        {
            var result = JUnitReader.ToResult(c, workspace);
            return result.File is null ? result with { File = ModuleFile(workspace, c.ClassName) } : result;
        }));

    static string? ModuleFile(string workspace, string className)
    {
        var parts = className.Split('.');
        for (var n = parts.Length; n > 0; n--)
        {
            var candidate = string.Join('/', parts[..n]) + ".py";
            if (File.Exists(Path.Combine(workspace, candidate)))
                return candidate;
        }

        return null;
    }

    [GeneratedRegex(@"^\s*(import pytest|from pytest\b)", RegexOptions.Multiline)]
    private static partial Regex PytestImport();

    [GeneratedRegex(@"^class\s+\w+\s*\([^)]*TestCase\s*\)", RegexOptions.Multiline)]
    private static partial Regex TestCaseClass();

    // A module-level test function: only pytest runs those.
    [GeneratedRegex(@"^(async\s+)?def\s+test", RegexOptions.Multiline)]
    private static partial Regex TestFunction();
}
