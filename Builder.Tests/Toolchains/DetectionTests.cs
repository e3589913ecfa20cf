using Builder.Core.Domain;
using Builder.Worker.Toolchains;
using Builder.Worker.Verification;

namespace Builder.Tests.Toolchains;

public class DetectionTests
{
    static readonly RepositorySettings None = new();

    const string TestProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup><TargetFrameworks>net8.0;net10.0</TargetFrameworks></PropertyGroup>
          <ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" /></ItemGroup>
        </Project>
        """;

    [Fact]
    public void Dotnet_solution_restores_then_builds_and_tests_its_test_projects_offline_with_a_trx_report()
    {
        using var ws = new TempWorkspace()
            .With("App.slnx", "<Solution>\n  <Project Path=\"src/App/App.csproj\" />\n  <Project Path=\"tests/App.Tests/App.Tests.csproj\" />\n</Solution>\n")
            .With("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup></Project>")
            .With("tests/App.Tests/App.Tests.csproj", TestProject);
        var framework = $"net{DotnetProjects.NewestRuntimeMajor}.0";

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Toolchain.ShouldBe("dotnet");
        // Restored for the chosen framework only, through a targets file written for the restore.
        commands.Restore.ShouldNotBeNull().ShouldContain("dotnet restore tests/App.Tests/App.Tests.csproj -p:NuGetAudit=false -p:CustomAfterMicrosoftCommonCrossTargetingTargets=");
        commands.Build.ShouldBe($"dotnet build tests/App.Tests/App.Tests.csproj --no-restore -nologo -f {framework} -p:NuGetAudit=false");
        // The newest framework the test project has that this machine runs (net10.0 here).
        commands.Test.ShouldBe($"dotnet test tests/App.Tests/App.Tests.csproj --no-build -nologo -f {framework} --logger trx --results-directory \"$BUILDER_REPORTS_DIR\"");
        commands.Environment["DOTNET_ROLL_FORWARD"].ShouldBe("Major");
        commands.Environment["WarningsNotAsErrors"].ShouldBe("NU1603;NU1608");
        commands.CacheDirectories.Select(c => c.Variable).ShouldContain("NUGET_PACKAGES");
        commands.Source.ShouldContain("App.slnx");
        commands.Notices.ShouldContain("not built: src/App/App.csproj (no test project references it)");
    }

    [Fact]
    public void Dotnet_settings_framework_wins()
    {
        using var ws = new TempWorkspace().With("tests/A.Tests/A.Tests.csproj", TestProject);

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings { TargetFramework = "net8.0" });

        commands.Test.ShouldNotBeNull().ShouldContain(" -f net8.0 ");
    }

    [Fact]
    public void Dotnet_without_solution_tests_every_test_project()
    {
        using var ws = new TempWorkspace()
            .With("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />")
            .With("tests/A.Tests/A.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>")
            .With("tests/B.Specs/B.Specs.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>");

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Restore.ShouldBe("dotnet restore tests/A.Tests/A.Tests.csproj -p:NuGetAudit=false && dotnet restore tests/B.Specs/B.Specs.csproj -p:NuGetAudit=false");
        commands.Test.ShouldNotBeNull().ShouldStartWith("rc=0; dotnet test tests/A.Tests/A.Tests.csproj ");
        commands.Test.ShouldContain("|| rc=$?; dotnet test tests/B.Specs/B.Specs.csproj ");
        commands.Test.ShouldEndWith("|| rc=$?; exit $rc");
        commands.Test.ShouldNotContain(" -f ");
    }

    [Theory]
    [InlineData("8.0.100", null, "8.0.100")]
    [InlineData("10.0.100", "latestFeature", null)]
    [InlineData("10.0.400", null, null)]
    [InlineData("10.0.500", "latestPatch", "10.0.500")]
    [InlineData("10.0.401", "disable", null)]
    [InlineData("9.0.100", "latestMajor", null)]
    [InlineData("9.0.100", "latestMinor", "9.0.100")]
    public void Dotnet_global_json_pins(string version, string? rollForward, string? unsatisfied)
    {
        using var ws = new TempWorkspace().With("global.json",
            $$"""{ "sdk": { "version": "{{version}}"{{(rollForward is null ? "" : $", \"rollForward\": \"{rollForward}\"")}} } }""");

        DotnetProjects.UnsatisfiedSdkPin(ws.Path, ["10.0.401"]).ShouldBe(unsatisfied);
    }

    [Fact]
    public void Dotnet_pinned_to_a_missing_sdk_runs_from_outside_the_repository()
    {
        using var ws = new TempWorkspace()
            .With("global.json", """{ "sdk": { "version": "3.1.100", "rollForward": "disable" } }""")
            .With("App.Tests/App.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Build.ShouldBe("ws=\"$PWD\" && cd / && dotnet build \"$ws/App.Tests/App.Tests.csproj\" --no-restore -nologo -p:NuGetAudit=false");
        commands.Source.ShouldContain("global.json pins SDK 3.1.100");
    }

    [Fact]
    public void Node_built_in_runner_gets_a_reporter_with_files()
    {
        using var ws = new TempWorkspace().With("package.json", """{ "scripts": { "test": "node --test", "build": "tsc" } }""");

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Toolchain.ShouldBe("node");
        commands.Restore.ShouldBe("npm install --no-audit --no-fund --no-package-lock");
        commands.Build.ShouldBe("npm run build");
        commands.Test.ShouldNotBeNull().ShouldStartWith("export PATH=\"$PWD/node_modules/.bin:$PATH\"; node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter='data:text/javascript,");
        commands.Test.ShouldEndWith("--test-reporter-destination=\"$BUILDER_REPORTS_DIR/node-test.jsonl\"");
        commands.ExitCodeTestId.ShouldBeNull();
    }

    [Fact]
    public void Node_with_a_lock_file_restores_with_npm_ci()
    {
        using var ws = new TempWorkspace().With("package.json", """{ "scripts": { "test": "jest" } }""").With("package-lock.json", "{}");

        CommandDetector.Detect(ws.Path, None).Restore.ShouldBe("npm ci --no-audit --no-fund || npm install --no-audit --no-fund --no-package-lock");
    }

    [Theory]
    // Lint and type checks chained after the runner are not run.
    [InlineData("jest --coverage && eslint . && tsc --noEmit", "node \"$BUILDER_REPORTS_DIR/jest-run.cjs\" jest --coverage")]
    // A compile step before the runner stays; a lint before it goes.
    [InlineData("eslint . && tsc -p test && mocha dist/test", "tsc -p test && node \"$BUILDER_REPORTS_DIR/mocha-run.cjs\" mocha dist/test")]
    [InlineData("npm run lint && npm run test:unit", "node \"$BUILDER_REPORTS_DIR/vitest-run.cjs\" vitest")]
    [InlineData("npm run test:unit -- --passWithNoTests", "node \"$BUILDER_REPORTS_DIR/vitest-run.cjs\" vitest --passWithNoTests")]
    // The wrapper runs vitest once whatever the script asks; the tests still see "watch".
    [InlineData("vitest watch --dir src", "node \"$BUILDER_REPORTS_DIR/vitest-run.cjs\" vitest watch --dir src")]
    [InlineData("cross-env NODE_ENV=test jest", "cross-env NODE_ENV=test node \"$BUILDER_REPORTS_DIR/jest-run.cjs\" jest")]
    [InlineData("npx --no-install jest -i", "node \"$BUILDER_REPORTS_DIR/jest-run.cjs\" jest -i")]
    [InlineData("pnpm exec vitest run", "node \"$BUILDER_REPORTS_DIR/vitest-run.cjs\" vitest run")]
    [InlineData("node --expose-gc ./node_modules/jest/bin/jest.js --logHeapUsage", "node --expose-gc \"$BUILDER_REPORTS_DIR/jest-run.cjs\" ./node_modules/jest/bin/jest.js --logHeapUsage")]
    // A script of the repository's own that happens to be called jest.js is not jest.
    [InlineData("node scripts/jest.js && jest", "node scripts/jest.js && node \"$BUILDER_REPORTS_DIR/jest-run.cjs\" jest")]
    // Create React App calls jest itself: the options stay on its command line.
    [InlineData("react-scripts test", "react-scripts test --watchAll=false --ci --json --outputFile=\"$BUILDER_REPORTS_DIR/jest.json\" --testLocationInResults")]
    public void Node_test_scripts_are_rewritten_to_run_the_runner_with_a_report(string script, string expected)
    {
        var scripts = new Dictionary<string, string> { ["test"] = script, ["lint"] = "eslint .", ["test:unit"] = "vitest" };

        NodeTestScript.Rewrite(script, scripts).ShouldNotBeNull().Command.ShouldBe(expected);
    }

    [Fact]
    public void Node_test_command_writes_the_runner_wrapper_into_the_reports_folder_first()
    {
        using var ws = new TempWorkspace().With("package.json", """{ "scripts": { "test": "tsc -p . && jest" } }""");

        var test = CommandDetector.Detect(ws.Path, None).Test.ShouldNotBeNull();

        test.ShouldStartWith("export PATH=\"$PWD/node_modules/.bin:$PATH\"; cat > \"$BUILDER_REPORTS_DIR/jest-run.cjs\" <<'BUILDER_NODE_WRAPPER'\n'use strict';");
        test.ShouldEndWith("\nBUILDER_NODE_WRAPPER\ntsc -p . && node \"$BUILDER_REPORTS_DIR/jest-run.cjs\" jest");
        test.ShouldContain("'--testLocationInResults'");
    }

    [Fact]
    public void Node_built_in_runner_flags_go_before_the_files()
    {
        var run = NodeTestScript.Rewrite("node --test test/ && npm run lint", new Dictionary<string, string>()).ShouldNotBeNull();

        run.Runner.ShouldBe("node");
        run.Command.ShouldStartWith("node --test --test-reporter=spec ");
        run.Command.ShouldEndWith("/node-test.jsonl\" test/");
    }

    [Fact]
    public void Node_unknown_test_script_runs_as_is_and_its_exit_code_is_the_result()
    {
        using var ws = new TempWorkspace().With("package.json", """{ "scripts": { "test": "./scripts/run-tests.sh" } }""");

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Test.ShouldBe("npm test");
        commands.ExitCodeTestId.ShouldBe("npm test");
    }

    [Fact]
    public void Node_placeholder_test_script_falls_back_to_the_runner_in_dependencies()
    {
        using var ws = new TempWorkspace().With("package.json",
            """{ "scripts": { "test": "echo \"Error: no test specified\" && exit 1" }, "devDependencies": { "mocha": "^10.0.0" } }""");

        CommandDetector.Detect(ws.Path, None).Test.ShouldNotBeNull().ShouldEndWith("node \"$BUILDER_REPORTS_DIR/mocha-run.cjs\" mocha");
    }

    [Fact]
    public void Python_with_pytest_runs_pytest_with_the_interpreter_that_has_it()
    {
        using var ws = new TempWorkspace().With("tests/test_a.py", "def test_a():\n    assert True\n");
        var python = new PythonToolchain(["python3", "/usr/bin/python3"], p => p == "/usr/bin/python3");

        var commands = CommandDetector.Detect(ws.Path, None, [python]);

        commands.Toolchain.ShouldBe("python");
        commands.Restore.ShouldBeNull();
        // The report options travel in PYTEST_ADDOPTS, away from the sys.argv the tests can read.
        commands.Test.ShouldBe("PYTEST_ADDOPTS=\"$PYTEST_ADDOPTS -p no:cacheprovider --junitxml='$BUILDER_REPORTS_DIR/pytest.xml' -o junit_family=xunit2 -q\" /usr/bin/python3 -m pytest");
    }

    [Fact]
    public void Python_test_case_classes_only_run_with_unittest_even_where_pytest_is_installed()
    {
        using var ws = new TempWorkspace().With("tests/test_a.py", "import unittest\n\nclass T(unittest.TestCase):\n    def test_a(self):\n        pass\n");
        var python = new PythonToolchain(["python3"], _ => true);

        var commands = CommandDetector.Detect(ws.Path, None, [python]);

        commands.Test.ShouldNotBeNull().ShouldStartWith("python3 - <<'BUILDER_UNITTEST'\n");
        commands.Source.ShouldBe("detected: unittest");
    }

    [Fact]
    public void Python_pytest_suite_without_pytest_installed_falls_back_to_unittest()
    {
        using var ws = new TempWorkspace().With("pyproject.toml", "[tool.pytest.ini_options]\n");
        var python = new PythonToolchain(["python3"], _ => false);

        var commands = CommandDetector.Detect(ws.Path, None, [python]);

        commands.Test.ShouldNotBeNull().ShouldStartWith("python3 - <<'BUILDER_UNITTEST'");
        commands.Source.ShouldContain("pytest is not installed");
    }

    [Fact]
    public void Go_restores_everything_then_builds_and_tests_with_the_proxy_off()
    {
        using var ws = new TempWorkspace().With("go.mod", "module example.com/m\n\ngo 1.19\n").With("package.json", "{}");

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Toolchain.ShouldBe("go");
        commands.Restore.ShouldBe("GOFLAGS=-mod=mod go mod download && GOFLAGS=-mod=mod go list -deps -test ./... > /dev/null");
        commands.Build.ShouldBe("GOPROXY=off go build ./...");
        commands.Test.ShouldBe("GOPROXY=off go test -json ./... > \"$BUILDER_REPORTS_DIR/go-test.json\"");
        commands.Environment["GOTOOLCHAIN"].ShouldBe("local");
        commands.CacheDirectories.Single(c => c.Variable == "GOCACHE").WritableAfterRestore.ShouldBeTrue();
    }

    [Fact]
    public void Go_vendored_module_has_nothing_to_restore()
    {
        using var ws = new TempWorkspace().With("go.mod", "module m\n").With("vendor/modules.txt", "");

        CommandDetector.Detect(ws.Path, None).Restore.ShouldBeNull();
    }

    [Fact]
    public void Make_needs_a_build_or_test_target()
    {
        using var withTargets = new TempWorkspace().With("Makefile", "CC := gcc\n.PHONY: build test\nbuild test: deps\n\t@true\n");
        using var without = new TempWorkspace().With("Makefile", "lint:\n\t@true\n");

        var commands = CommandDetector.Detect(withTargets.Path, None);
        commands.Toolchain.ShouldBe("make");
        commands.Build.ShouldBe("make build");
        commands.Test.ShouldNotBeNull().ShouldEndWith("; make test");
        commands.ExitCodeTestId.ShouldBe("make test");

        CommandDetector.Detect(without.Path, None).Toolchain.ShouldBe("unknown");
    }

    [Theory]
    [InlineData("dotnet", "App.csproj", "package.json", "Makefile")]
    [InlineData("go", "go.mod", "package.json", "Makefile")]
    [InlineData("node", "package.json", "requirements.txt", "Makefile")]
    [InlineData("python", "requirements.txt", "Makefile", null)]
    public void Detection_order(string expected, string first, string second, string? third)
    {
        using var ws = new TempWorkspace();
        foreach (var file in new[] { first, second, third }.OfType<string>())
            ws.With(file, file switch
            {
                "Makefile" => "test:\n\t@true\n",
                "package.json" => """{ "scripts": { "test": "jest" } }""",
                "App.csproj" => "<Project />",
                _ => "module m\n",
            });

        CommandDetector.Detect(ws.Path, None).Toolchain.ShouldBe(expected);
    }

    [Fact]
    public void A_package_json_that_only_carries_tooling_does_not_hide_the_python_tests()
    {
        using var ws = new TempWorkspace()
            .With("package.json", """{ "devDependencies": { "prettier": "3.0.0" }, "scripts": { "format": "prettier -w ." } }""")
            .With("setup.py", "from setuptools import setup\nsetup(name='calc')\n")
            .With("tests/test_calc.py", "def test_a():\n    assert True\n");

        CommandDetector.Detect(ws.Path, None).Toolchain.ShouldBe("python");
    }

    [Fact]
    public void Nothing_detected()
    {
        using var ws = new TempWorkspace().With("README.md", "# hi\n");

        var commands = CommandDetector.Detect(ws.Path, None);

        commands.Toolchain.ShouldBe("unknown");
        commands.Test.ShouldBeNull();
    }

    [Fact]
    public void Settings_override_toolchain_commands_and_environment()
    {
        using var ws = new TempWorkspace().With("package.json", """{ "scripts": { "test": "jest" } }""").With("Makefile", "test:\n\t@true\n");

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings
        {
            Toolchain = "make",
            RestoreCommand = "",
            TestCommand = "make check JUNIT=$BUILDER_REPORTS_DIR/junit.xml",
            Environment = new Dictionary<string, string> { ["CI"] = "true" },
            TestReportPaths = ["out/**/*.xml"],
        });

        commands.Toolchain.ShouldBe("make");
        commands.Restore.ShouldBeNull();
        commands.Test.ShouldBe("make check JUNIT=$BUILDER_REPORTS_DIR/junit.xml");
        commands.ExitCodeTestId.ShouldBe("make check JUNIT=$BUILDER_REPORTS_DIR/junit.xml");
        commands.Environment["CI"].ShouldBe("true");
        commands.TestReportPaths.ShouldBe(["out/**/*.xml"]);
        commands.Source.ShouldStartWith("repository settings (restore, test, environment) over toolchain make from repository settings");
    }

    [Fact]
    public void Settings_naming_an_unknown_toolchain()
    {
        using var ws = new TempWorkspace().With("package.json", "{}");

        var commands = CommandDetector.Detect(ws.Path, new RepositorySettings { Toolchain = "cargo", TestCommand = "cargo test" });

        commands.Toolchain.ShouldBe("unknown");
        commands.Test.ShouldBe("cargo test");
    }

    [Fact]
    public void Environment_for_a_run_points_caches_under_the_cache_root()
    {
        using var ws = new TempWorkspace().With("go.mod", "module m\n");
        var commands = CommandDetector.Detect(ws.Path, None);

        var environment = commands.EnvironmentFor("/reports/1", "/cache");

        environment["BUILDER_REPORTS_DIR"].ShouldBe("/reports/1");
        environment["GOMODCACHE"].ShouldBe("/cache/go/mod");
        environment["GOTOOLCHAIN"].ShouldBe("local");
        commands.EnvironmentFor("/reports/1", null).ContainsKey("GOMODCACHE").ShouldBeFalse();
    }

    [Fact]
    public void Without_a_report_the_exit_code_stands_for_one_test_only_where_allowed()
    {
        using var ws = new TempWorkspace();
        var make = new ToolchainCommands("make", null, null, "make test", "detected") { ExitCodeTestId = "make test" };
        var dotnet = new ToolchainCommands("dotnet", null, null, "dotnet test", "detected");

        var failed = CommandDetector.ReadResults(make, ws.Reports, ws.Path, testExitCode: 2).ShouldHaveSingleItem();
        failed.Id.ShouldBe("make test");
        failed.Outcome.ShouldBe(TestOutcome.Failed);
        failed.Message.ShouldNotBeNull().ShouldContain("code 2");
        CommandDetector.ReadResults(make, ws.Reports, ws.Path, testExitCode: 0).ShouldHaveSingleItem().Outcome.ShouldBe(TestOutcome.Passed);
        // A build that failed before tests ran says nothing about any single test.
        CommandDetector.ReadResults(dotnet, ws.Reports, ws.Path, testExitCode: 1).ShouldBeEmpty();
    }

    [Fact]
    public void Report_paths_from_the_settings_are_read_when_this_run_wrote_them()
    {
        using var ws = new TempWorkspace()
            .With("out/reports/TEST-calc.xml",
                """<testsuite name="calc"><testcase classname="com.acme.CalcTest" name="adds"/><testcase classname="com.acme.CalcTest" name="fails"><failure message="expected 5"/></testcase></testsuite>""")
            .With("out/old/TEST-old.xml", """<testsuite name="old"><testcase classname="com.acme.Old" name="gone"/></testsuite>""");
        File.SetLastWriteTimeUtc(Path.Combine(ws.Path, "out/old/TEST-old.xml"), DateTime.UtcNow.AddHours(-1));
        var commands = new ToolchainCommands("unknown", null, null, "./gradlew test", "settings") { TestReportPaths = ["out/**/TEST-*.xml"] };

        var results = CommandDetector.ReadResults(commands, ws.Reports, ws.Path, testExitCode: 1, testStartedUtc: DateTime.UtcNow.AddMinutes(-1));

        results.Select(r => (r.Id, r.Outcome)).ShouldBe([("com.acme.CalcTest.adds", TestOutcome.Passed), ("com.acme.CalcTest.fails", TestOutcome.Failed)]);
    }

    [Theory]
    [InlineData("dotnet", "tests/App.Tests/CalcTests.cs", true)]
    [InlineData("dotnet", "src/App.UnitTests/Helpers.cs", true)]
    [InlineData("dotnet", "src/App/CalcTests.cs", true)]
    [InlineData("dotnet", "src/App/Latest.cs", false)]
    [InlineData("dotnet", "src/App/Calc.cs", false)]
    [InlineData("node", "src/calc.test.ts", true)]
    [InlineData("node", "src/calc.spec.js", true)]
    [InlineData("node", "src/__tests__/calc.js", true)]
    [InlineData("node", "test/helpers.js", true)]
    [InlineData("node", "src/calc.js", false)]
    [InlineData("node", "src/contest.js", false)]
    [InlineData("python", "tests/helpers.py", true)]
    [InlineData("python", "pkg/test_calc.py", true)]
    [InlineData("python", "pkg/calc_test.py", true)]
    [InlineData("python", "pkg/conftest.py", true)]
    [InlineData("python", "pkg/calc.py", false)]
    [InlineData("python", "pkg/testing.py", false)]
    [InlineData("go", "calc/calc_test.go", true)]
    [InlineData("go", "calc/testdata/in.txt", true)]
    [InlineData("go", "calc/calc.go", false)]
    [InlineData("make", "tests/run.sh", true)]
    [InlineData("make", "src/main.c", false)]
    public void Test_files(string toolchain, string path, bool isTest) =>
        CommandDetector.IsTestFile(toolchain, path).ShouldBe(isTest);

    [Fact]
    public void Dotnet_file_in_a_project_that_references_a_test_sdk_is_a_test_file()
    {
        using var ws = new TempWorkspace()
            .With("src/Verification/Verification.csproj", TestProject)
            .With("src/Verification/Checks.cs", "")
            .With("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />")
            .With("src/App/Checks.cs", "");

        CommandDetector.IsTestFile("dotnet", "src/Verification/Checks.cs", ws.Path).ShouldBeTrue();
        CommandDetector.IsTestFile("dotnet", "src/App/Checks.cs", ws.Path).ShouldBeFalse();
    }
}
