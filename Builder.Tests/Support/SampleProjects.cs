namespace Builder.Tests.Support;

/// <summary>
/// Small real projects, one per toolchain, each with an `add` function and a passing test of it; and
/// for each the drafts of a genuine feature (a `mul` function with its test), of a change that does not
/// compile, and of a change that breaks its own test.
/// </summary>
public sealed record SampleProject(
    string Toolchain,
    IReadOnlyDictionary<string, string> Files,
    object[] Genuine,
    object[] CompileError,
    object[] FailingTest)
{
    static object Replace(string path, string content) => BuilderApi.File(path, content, "replace");
    static object Add(string path, string content) => BuilderApi.File(path, content);

    public static SampleProject Python()
    {
        const string calc = "def add(a, b):\n    return a + b\n";
        const string tests = "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n    assert add(0, 0) == 0\n";
        const string withMul = calc + "\n\ndef mul(a, b):\n    return a * b\n";
        const string mulTest = "from calc import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n";
        return new("python",
            new Dictionary<string, string> { ["calc.py"] = calc, ["tests/test_calc.py"] = tests, ["pytest.ini"] = "[pytest]\n" },
            Genuine: [Replace("calc.py", withMul), Add("tests/test_mul.py", mulTest)],
            CompileError: [Replace("calc.py", withMul + "\ndef broken(:\n"), Add("tests/test_mul.py", mulTest)],
            FailingTest: [Replace("calc.py", calc + "\n\ndef mul(a, b):\n    return a + b\n"), Add("tests/test_mul.py", mulTest)]);
    }

    public static SampleProject Node()
    {
        const string calc = "function add(a, b) { return a + b; }\nmodule.exports = { add };\n";
        const string withMul = "function add(a, b) { return a + b; }\nfunction mul(a, b) { return a * b; }\nmodule.exports = { add, mul };\n";
        const string mulTest = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { mul } = require('../src/calc');\n\ntest('mul multiplies', () => {\n  assert.strictEqual(mul(2, 3), 6);\n});\n";
        return new("node",
            new Dictionary<string, string>
            {
                ["package.json"] = "{\n  \"name\": \"calc\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"scripts\": {\n    \"build\": \"node --check src/calc.js\",\n    \"test\": \"node --test\"\n  }\n}\n",
                ["src/calc.js"] = calc,
                ["test/calc.test.js"] = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/calc');\n\ntest('add adds', () => {\n  assert.strictEqual(add(1, 2), 3);\n});\n",
            },
            Genuine: [Replace("src/calc.js", withMul), Add("test/mul.test.js", mulTest)],
            CompileError: [Replace("src/calc.js", withMul + "function broken( {\n"), Add("test/mul.test.js", mulTest)],
            FailingTest: [Replace("src/calc.js", withMul.Replace("a * b", "a + b")), Add("test/mul.test.js", mulTest)]);
    }

    public static SampleProject Go()
    {
        const string calc = "package calc\n\nfunc Add(a, b int) int { return a + b }\n";
        const string withMul = calc + "\nfunc Mul(a, b int) int { return a * b }\n";
        const string mulTest = "package calc\n\nimport \"testing\"\n\nfunc TestMul(t *testing.T) {\n\tif got := Mul(2, 3); got != 6 {\n\t\tt.Errorf(\"Mul(2, 3) = %d\", got)\n\t}\n}\n";
        return new("go",
            new Dictionary<string, string>
            {
                ["go.mod"] = "module example.com/calc\n\ngo 1.19\n",
                ["calc.go"] = calc,
                ["calc_test.go"] = "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif got := Add(1, 2); got != 3 {\n\t\tt.Errorf(\"Add(1, 2) = %d\", got)\n\t}\n}\n",
            },
            Genuine: [Replace("calc.go", withMul), Add("mul_test.go", mulTest)],
            CompileError: [Replace("calc.go", withMul + "\nfunc Broken( {\n"), Add("mul_test.go", mulTest)],
            FailingTest: [Replace("calc.go", withMul.Replace("a * b", "a + b")), Add("mul_test.go", mulTest)]);
    }

    /// <summary>A Make project whose test runner writes JUnit XML, as real make-driven suites do.</summary>
    public static SampleProject Make()
    {
        const string runner = """
            #!/bin/sh
            # Runs every tests/*.sh and writes a JUnit report.
            out="${BUILDER_REPORTS_DIR:-.}/junit.xml"
            status=0
            cases=""
            for t in tests/*.sh; do
              name=$(basename "$t" .sh)
              if sh "$t" > /dev/null 2>&1; then
                cases="$cases<testcase classname=\"tests\" name=\"$name\" file=\"$t\"/>"
              else
                cases="$cases<testcase classname=\"tests\" name=\"$name\" file=\"$t\"><failure message=\"$name failed\"/></testcase>"
                status=1
              fi
            done
            echo "<testsuites><testsuite name=\"tests\">$cases</testsuite></testsuites>" > "$out"
            exit $status
            """;
        const string calc = "add() { echo $(($1 + $2)); }\n";
        const string withMul = calc + "mul() { echo $(($1 * $2)); }\n";
        return new("make",
            new Dictionary<string, string>
            {
                ["Makefile"] = "build:\n\tsh -n calc.sh\n\ntest:\n\tsh run-tests.sh\n",
                ["run-tests.sh"] = runner,
                ["calc.sh"] = calc,
                ["tests/add.sh"] = ". ./calc.sh\ntest \"$(add 1 2)\" = 3\n",
            },
            Genuine: [Replace("calc.sh", withMul), Add("tests/mul.sh", ". ./calc.sh\ntest \"$(mul 2 3)\" = 6\n")],
            CompileError: [Replace("calc.sh", withMul + "broken() {\n"), Add("tests/mul.sh", ". ./calc.sh\ntest \"$(mul 2 3)\" = 6\n")],
            FailingTest: [Replace("calc.sh", calc + "mul() { echo $(($1 + $2)); }\n"), Add("tests/mul.sh", ". ./calc.sh\ntest \"$(mul 2 3)\" = 6\n")]);
    }

    public static SampleProject DotNet()
    {
        const string calc = "namespace Calc;\n\npublic static class Numbers\n{\n    public static int Add(int a, int b) => a + b;\n}\n";
        const string withMul = "namespace Calc;\n\npublic static class Numbers\n{\n    public static int Add(int a, int b) => a + b;\n\n    public static int Mul(int a, int b) => a * b;\n}\n";
        const string mulTest = "namespace Calc.Tests;\n\npublic class MulTests\n{\n    [Fact]\n    public void Mul_multiplies() => Assert.Equal(6, Numbers.Mul(2, 3));\n}\n";
        return new("dotnet",
            new Dictionary<string, string>
            {
                ["Calc/Calc.csproj"] = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n    <Nullable>enable</Nullable>\n  </PropertyGroup>\n</Project>\n",
                ["Calc/Numbers.cs"] = calc,
                ["Calc.Tests/Calc.Tests.csproj"] = """
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup>
                        <TargetFramework>net10.0</TargetFramework>
                        <IsPackable>false</IsPackable>
                      </PropertyGroup>
                      <ItemGroup>
                        <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                        <PackageReference Include="xunit" Version="2.9.3" />
                        <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                        <Using Include="Xunit" />
                      </ItemGroup>
                      <ItemGroup>
                        <ProjectReference Include="../Calc/Calc.csproj" />
                      </ItemGroup>
                    </Project>
                    """,
                ["Calc.Tests/AddTests.cs"] = "namespace Calc.Tests;\n\npublic class AddTests\n{\n    [Fact]\n    public void Add_adds() => Assert.Equal(3, Numbers.Add(1, 2));\n}\n",
            },
            Genuine: [Replace("Calc/Numbers.cs", withMul), Add("Calc.Tests/MulTests.cs", mulTest)],
            CompileError: [Replace("Calc/Numbers.cs", withMul.Replace("a * b;", "a * ;")), Add("Calc.Tests/MulTests.cs", mulTest)],
            FailingTest: [Replace("Calc/Numbers.cs", withMul.Replace("a * b", "a + b")), Add("Calc.Tests/MulTests.cs", mulTest)]);
    }

    public static IEnumerable<object[]> All() =>
        new[] { "dotnet", "node", "python", "go", "make" }.Select(t => new object[] { t });

    public static SampleProject Named(string toolchain) => toolchain switch
    {
        "dotnet" => DotNet(),
        "node" => Node(),
        "python" => Python(),
        "go" => Go(),
        _ => Make(),
    };
}
