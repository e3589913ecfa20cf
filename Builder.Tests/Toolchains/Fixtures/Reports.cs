namespace Builder.Tests.Toolchains.Fixtures;

/// <summary>
/// Reports written by the real runners on small sample projects (paths under /ws, the sample's root).
/// To regenerate one, run the runner its comment names on a similar sample and replace the sample's path with /ws.
/// </summary>
public static class Reports
{
    /// <summary>dotnet test --logger trx: an xunit 2.9.3 project with a fact, a failing fact, a skipped fact, InlineData rows (a double among them) and MemberData rows of non-serialisable objects.</summary>
    public const string Trx = """
<?xml version="1.0" encoding="utf-8"?>
<TestRun id="3aa20f04-b268-458a-a8fd-be2636d1a142" name="@vm 2026-11-22 22:12:09" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Times creation="2026-11-22T22:12:09.0599812+00:00" queuing="2026-11-22T22:12:09.0599813+00:00" start="2026-11-22T22:12:07.3597359+00:00" finish="2026-11-22T22:12:09.0664131+00:00" />
  <TestSettings name="default" id="d9ebdb1e-c0c0-47c9-83df-65b71a015e0b">
    <Deployment runDeploymentRoot="_vm_2026-11-22_22_12_09" />
  </TestSettings>
  <Results>
    <UnitTestResult executionId="fa76f0d9-985d-4d99-8514-7ef67d6bb9e1" testId="99d4b61e-22d0-26e2-0559-b118de041caa" testName="Calc.Tests.CalcTests.Obj(o: Object { })" computerName="vm" duration="00:00:00.0000957" startTime="2026-11-22T22:12:08.9321552+00:00" endTime="2026-11-22T22:12:08.9322471+00:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="Passed" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="fa76f0d9-985d-4d99-8514-7ef67d6bb9e1" />
    <UnitTestResult executionId="b16c9e6f-93ad-4c92-a7da-a77c0ca61148" testId="0a1deada-c74b-1a8b-42b6-5c26dd0ccf54" testName="Calc.Tests.CalcTests.Adds" computerName="vm" duration="00:00:00.0267592" startTime="2026-11-22T22:12:08.8339061+00:00" endTime="2026-11-22T22:12:08.8384801+00:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="Passed" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="b16c9e6f-93ad-4c92-a7da-a77c0ca61148" />
    <UnitTestResult executionId="19d9215b-620a-48a7-bf8e-aa348f1916f5" testId="900d5177-d94c-f7db-8c7a-773975493f8c" testName="Calc.Tests.CalcTests.Fails" computerName="vm" duration="00:00:00.0018308" startTime="2026-11-22T22:12:08.9327360+00:00" endTime="2026-11-22T22:12:08.9492183+00:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="Failed" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="19d9215b-620a-48a7-bf8e-aa348f1916f5">
      <Output>
        <ErrorInfo>
          <Message>Assert.Equal() Failure: Values differ
Expected: 5
Actual:   4</Message>
          <StackTrace>   at Calc.Tests.CalcTests.Fails() in /ws/Calc.Tests/CalcTests.cs:line 6
   at System.Reflection.MethodBaseInvoker.InterpretedInvoke_Method(Object obj, IntPtr* args)
   at System.Reflection.MethodBaseInvoker.InvokeWithNoArgs(Object obj, BindingFlags invokeAttr)</StackTrace>
        </ErrorInfo>
      </Output>
    </UnitTestResult>
    <UnitTestResult executionId="a4c30aa1-c074-4f19-8158-373a24fc2d34" testId="7d2baa4f-959e-0901-d51d-96ea611993a7" testName="Calc.Tests.CalcTests.Data(x: 2, y: &quot;b c&quot;, z: 9.9999999999999995E-08)" computerName="vm" duration="00:00:00.0001445" startTime="2026-11-22T22:12:08.8394976+00:00" endTime="2026-11-22T22:12:08.8395441+00:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="Passed" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="a4c30aa1-c074-4f19-8158-373a24fc2d34" />
    <UnitTestResult executionId="d8ae87b9-5cea-4bbd-80ea-9b6d2407c79f" testId="9ac1b28b-df0d-3aa5-b47d-2171e857cfad" testName="Calc.Tests.CalcTests.Skipped" computerName="vm" duration="00:00:00.0010000" startTime="2026-11-22T22:12:08.7737753+00:00" endTime="2026-11-22T22:12:08.7999415+00:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="NotExecuted" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="d8ae87b9-5cea-4bbd-80ea-9b6d2407c79f">
      <Output>
        <ErrorInfo>
          <Message>not yet</Message>
        </ErrorInfo>
      </Output>
    </UnitTestResult>
    <UnitTestResult executionId="e6485c11-cf8c-46cf-b2ff-8eb9744705bf" testId="99d4b61e-22d0-26e2-0559-b118de041caa" testName="Calc.Tests.CalcTests.Obj(o: Thing { })" computerName="vm" duration="00:00:00.0001284" startTime="2026-11-22T22:12:08.9323563+00:00" endTime="2026-11-22T22:12:08.9323963+00:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="Passed" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="e6485c11-cf8c-46cf-b2ff-8eb9744705bf" />
    <UnitTestResult executionId="c295bbee-122c-4515-a252-0297e48c7117" testId="a56a8a97-a8c4-f08a-4b9a-dea80a35e0ff" testName="Calc.Tests.CalcTests.Data(x: 1, y: &quot;a&quot;, z: 0.10000000000000001)" computerName="vm" duration="00:00:00.0002390" startTime="2026-11-22T22:12:08.8431537+00:00" endTime="2026-11-22T22:12:08.8431938+00:00" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="Passed" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" relativeResultsDirectory="c295bbee-122c-4515-a252-0297e48c7117" />
  </Results>
  <TestDefinitions>
    <UnitTest name="Calc.Tests.CalcTests.Skipped" storage="/ws/calc.tests/bin/debug/net10.0/calc.tests.dll" id="9ac1b28b-df0d-3aa5-b47d-2171e857cfad">
      <Execution id="d8ae87b9-5cea-4bbd-80ea-9b6d2407c79f" />
      <TestMethod codeBase="/ws/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner3/netcore/" className="Calc.Tests.CalcTests" name="Skipped" />
    </UnitTest>
    <UnitTest name="Calc.Tests.CalcTests.Fails" storage="/ws/calc.tests/bin/debug/net10.0/calc.tests.dll" id="900d5177-d94c-f7db-8c7a-773975493f8c">
      <Execution id="19d9215b-620a-48a7-bf8e-aa348f1916f5" />
      <TestMethod codeBase="/ws/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner3/netcore/" className="Calc.Tests.CalcTests" name="Fails" />
    </UnitTest>
    <UnitTest name="Calc.Tests.CalcTests.Obj" storage="/ws/calc.tests/bin/debug/net10.0/calc.tests.dll" id="99d4b61e-22d0-26e2-0559-b118de041caa">
      <Execution id="fa76f0d9-985d-4d99-8514-7ef67d6bb9e1" />
      <TestMethod codeBase="/ws/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner3/netcore/" className="Calc.Tests.CalcTests" name="Obj" />
    </UnitTest>
    <UnitTest name="Calc.Tests.CalcTests.Data(x: 1, y: &quot;a&quot;, z: 0.10000000000000001)" storage="/ws/calc.tests/bin/debug/net10.0/calc.tests.dll" id="a56a8a97-a8c4-f08a-4b9a-dea80a35e0ff">
      <Execution id="c295bbee-122c-4515-a252-0297e48c7117" />
      <TestMethod codeBase="/ws/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner3/netcore/" className="Calc.Tests.CalcTests" name="Data" />
    </UnitTest>
    <UnitTest name="Calc.Tests.CalcTests.Data(x: 2, y: &quot;b c&quot;, z: 9.9999999999999995E-08)" storage="/ws/calc.tests/bin/debug/net10.0/calc.tests.dll" id="7d2baa4f-959e-0901-d51d-96ea611993a7">
      <Execution id="a4c30aa1-c074-4f19-8158-373a24fc2d34" />
      <TestMethod codeBase="/ws/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner3/netcore/" className="Calc.Tests.CalcTests" name="Data" />
    </UnitTest>
    <UnitTest name="Calc.Tests.CalcTests.Adds" storage="/ws/calc.tests/bin/debug/net10.0/calc.tests.dll" id="0a1deada-c74b-1a8b-42b6-5c26dd0ccf54">
      <Execution id="b16c9e6f-93ad-4c92-a7da-a77c0ca61148" />
      <TestMethod codeBase="/ws/Calc.Tests/bin/Debug/net10.0/Calc.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner3/netcore/" className="Calc.Tests.CalcTests" name="Adds" />
    </UnitTest>
  </TestDefinitions>
  <TestEntries>
    <TestEntry testId="99d4b61e-22d0-26e2-0559-b118de041caa" executionId="fa76f0d9-985d-4d99-8514-7ef67d6bb9e1" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
    <TestEntry testId="0a1deada-c74b-1a8b-42b6-5c26dd0ccf54" executionId="b16c9e6f-93ad-4c92-a7da-a77c0ca61148" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
    <TestEntry testId="900d5177-d94c-f7db-8c7a-773975493f8c" executionId="19d9215b-620a-48a7-bf8e-aa348f1916f5" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
    <TestEntry testId="7d2baa4f-959e-0901-d51d-96ea611993a7" executionId="a4c30aa1-c074-4f19-8158-373a24fc2d34" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
    <TestEntry testId="9ac1b28b-df0d-3aa5-b47d-2171e857cfad" executionId="d8ae87b9-5cea-4bbd-80ea-9b6d2407c79f" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
    <TestEntry testId="99d4b61e-22d0-26e2-0559-b118de041caa" executionId="e6485c11-cf8c-46cf-b2ff-8eb9744705bf" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
    <TestEntry testId="a56a8a97-a8c4-f08a-4b9a-dea80a35e0ff" executionId="c295bbee-122c-4515-a252-0297e48c7117" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
  </TestEntries>
  <TestLists>
    <TestList name="Results Not in a List" id="8c84fa94-04c1-424b-9868-57a2d4851a1d" />
    <TestList name="All Loaded Results" id="19431567-8539-422a-85d7-44ee4e166bda" />
  </TestLists>
  <ResultSummary outcome="Failed">
    <Counters total="7" executed="6" passed="5" failed="1" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="0" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
    <Output>
      <StdOut>[xUnit.net 00:00:00.00] xUnit.net VSTest Adapter v3.1.5+1b188a7b0a (64-bit .NET 10.0.12)
[xUnit.net 00:00:00.21]   Discovering: Calc.Tests
[xUnit.net 00:00:00.45]   Discovered:  Calc.Tests
[xUnit.net 00:00:00.50]   Starting:    Calc.Tests
[xUnit.net 00:00:00.55]       not yet
[xUnit.net 00:00:00.70]       Assert.Equal() Failure: Values differ
[xUnit.net 00:00:00.70]       Expected: 5
[xUnit.net 00:00:00.70]       Actual:   4
[xUnit.net 00:00:00.70]       Stack Trace:
[xUnit.net 00:00:00.70]         /ws/Calc.Tests/CalcTests.cs(6,0): at Calc.Tests.CalcTests.Fails()
[xUnit.net 00:00:00.70]            at System.Reflection.MethodBaseInvoker.InterpretedInvoke_Method(Object obj, IntPtr* args)
[xUnit.net 00:00:00.70]            at System.Reflection.MethodBaseInvoker.InvokeWithNoArgs(Object obj, BindingFlags invokeAttr)
[xUnit.net 00:00:00.71]   Finished:    Calc.Tests
Test 'Calc.Tests.CalcTests.Skipped' was skipped in the test run.
</StdOut>
    </Output>
    <RunInfos>
      <RunInfo computerName="vm" outcome="Warning" timestamp="2026-11-22T22:12:08.8092961+00:00">
        <Text>[xUnit.net 00:00:00.55]     Calc.Tests.CalcTests.Skipped [SKIP]</Text>
      </RunInfo>
      <RunInfo computerName="vm" outcome="Error" timestamp="2026-11-22T22:12:08.9511199+00:00">
        <Text>[xUnit.net 00:00:00.70]     Calc.Tests.CalcTests.Fails [FAIL]</Text>
      </RunInfo>
    </RunInfos>
  </ResultSummary>
</TestRun>
""";

    /// <summary>pytest 7.2 --junitxml: functions, a failure, a skip, parametrised cases (a float, a string with a space, an object), a test class and a unittest.TestCase.</summary>
    public const string Pytest = """
<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="8" time="0.069" timestamp="2026-11-22T22:11:56.189781" hostname="vm"><testcase classname="tests.test_calc" name="test_add" time="0.000" /><testcase classname="tests.test_calc" name="test_fails" time="0.000"><failure message="AssertionError: two and two&#10;assert 4 == 5&#10; +  where 4 = add(2, 2)">def test_fails():
&gt;       assert add(2, 2) == 5, "two and two"
E       AssertionError: two and two
E       assert 4 == 5
E        +  where 4 = add(2, 2)

tests/test_calc.py:10: AssertionError</failure></testcase><testcase classname="tests.test_calc" name="test_skipped" time="0.000"><skipped type="pytest.skip" message="later">/ws/tests/test_calc.py:12: later</skipped></testcase><testcase classname="tests.test_calc" name="test_data[1-0.1]" time="0.000" /><testcase classname="tests.test_calc" name="test_data[2-b c]" time="0.000" /><testcase classname="tests.test_calc" name="test_data[3-y2]" time="0.000" /><testcase classname="tests.test_calc.TestCalc" name="test_method" time="0.000" /><testcase classname="tests.test_calc.TestUnit" name="test_u" time="0.000" /></testsuite></testsuites>
""";

    /// <summary>Builder's unittest runner: tests/ is not a package; a failure, an error, a skip, a failing subTest.</summary>
    public const string Unittest = """
<?xml version='1.0' encoding='utf-8'?>
<testsuites><testsuite name="unittest" tests="5"><testcase classname="tests.test_calc.TestCalc" name="test_add" time="0.000035" /><testcase classname="tests.test_calc.TestCalc" name="test_error" time="0.000281"><error message="boom">Traceback (most recent call last):
  File "/ws/tests/test_calc.py", line 17, in test_error
    raise ValueError("boom")
ValueError: boom
</error></testcase><testcase classname="tests.test_calc.TestCalc" name="test_fails" time="0.000139"><failure message="4 != 5 : two and two">Traceback (most recent call last):
  File "/ws/tests/test_calc.py", line 8, in test_fails
    self.assertEqual(add(2, 2), 5, "two and two")
AssertionError: 4 != 5 : two and two
</failure></testcase><testcase classname="tests.test_calc.TestCalc" name="test_skipped" time="0.000011"><skipped message="later" /></testcase><testcase classname="tests.test_calc.TestCalc" name="test_sub" time="0.000148"><failure message="(i=2) 2 not less than 2">Traceback (most recent call last):
  File "/ws/tests/test_calc.py", line 15, in test_sub
    self.assertLess(i, 2)
AssertionError: 2 not less than 2
</failure></testcase></testsuite></testsuites>
""";

    /// <summary>jest 29 --json (trimmed: stack traces cut to a few frames, timings and snapshot summary dropped): describe blocks, test.each with floats, two files with a test of the same name.</summary>
    public const string Jest = """
{
 "numFailedTests": 1,
 "numPassedTests": 6,
 "numPendingTests": 1,
 "numTotalTests": 8,
 "success": false,
 "testResults": [
  {
   "assertionResults": [
    {
     "ancestorTitles": [
      "calc"
     ],
     "duration": 2,
     "failureDetails": [],
     "failureMessages": [],
     "fullName": "calc adds",
     "invocations": 1,
     "location": null,
     "numPassingAsserts": 1,
     "retryReasons": [],
     "status": "passed",
     "title": "adds"
    },
    {
     "ancestorTitles": [
      "calc"
     ],
     "duration": 5,
     "failureDetails": [],
     "failureMessages": [
      "Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 5\nReceived: 4\n    at Object.toBe (/ws/test/calc.test.js:4:43)\n    at Promise.then.completed (/ws/node_modules/jest-circus/build/utils.js:298:28)"
     ],
     "fullName": "calc fails",
     "invocations": 1,
     "location": null,
     "numPassingAsserts": 0,
     "retryReasons": [],
     "status": "failed",
     "title": "fails"
    },
    {
     "ancestorTitles": [
      "calc"
     ],
     "duration": null,
     "failureDetails": [],
     "failureMessages": [],
     "fullName": "calc skipped",
     "invocations": 1,
     "location": null,
     "numPassingAsserts": 0,
     "retryReasons": [],
     "status": "pending",
     "title": "skipped"
    },
    {
     "ancestorTitles": [
      "calc"
     ],
     "duration": 1,
     "failureDetails": [],
     "failureMessages": [],
     "fullName": "calc data 1 0.1",
     "invocations": 1,
     "location": null,
     "numPassingAsserts": 1,
     "retryReasons": [],
     "status": "passed",
     "title": "data 1 0.1"
    },
    {
     "ancestorTitles": [
      "calc"
     ],
     "duration": 0,
     "failureDetails": [],
     "failureMessages": [],
     "fullName": "calc data 2 0.30000000000000004",
     "invocations": 1,
     "location": null,
     "numPassingAsserts": 1,
     "retryReasons": [],
     "status": "passed",
     "title": "data 2 0.30000000000000004"
    },
    {
     "ancestorTitles": [
      "calc",
      "inner"
     ],
     "duration": 5,
     "failureDetails": [],
     "failureMessages": [],
     "fullName": "calc inner deep",
     "invocations": 1,
     "location": null,
     "numPassingAsserts": 0,
     "retryReasons": [],
     "status": "passed",
     "title": "deep"
    },
    {
     "ancestorTitles": [],
     "duration": 0,
     "failureDetails": [],
     "failureMessages": [],
     "fullName": "top level",
     "invocations": 1,
     "location": null,
     "numPassingAsserts": 0,
     "retryReasons": [],
     "status": "passed",
     "title": "top level"
    }
   ],
   "message": "  \u25cf calc \u203a fails\n\n    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 5\n    Received: 4\n\n      2 | describe('calc', () => {\n      3 |   test('adds', () => { expect(add(2, 2)).toBe(4); });\n    > 4 |   test('fails', () => { expect(add(2, 2)).toBe(5); });\n        |                                           ^\n      5 |   test.skip('skipped', () => {});\n      6 |   test.each([[1, 0.1], [2, 0.30000000000000004]])('data %p %p', (x, y) => { expect(x).toBeGreaterThan(0); });\n      7 |   describe('inner', () => { test('deep', () => {}); });\n\n      at Object.toBe (test/calc.test.js:4:43)\n",
   "name": "/ws/test/calc.test.js",
   "status": "failed",
   "summary": ""
  },
  {
   "assertionResults": [
    {
     "ancestorTitles": [],
     "duration": 0,
     "failureDetails": [],
     "failureMessages": [],
     "fullName": "top level",
     "invocations": 1,
     "location": null,
     "numPassingAsserts": 0,
     "retryReasons": [],
     "status": "passed",
     "title": "top level"
    }
   ],
   "message": "",
   "name": "/ws/test/other/other.test.js",
   "status": "passed",
   "summary": ""
  }
 ]
}
""";

    /// <summary>vitest 2 --reporter=junit.</summary>
    public const string Vitest = """
<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="6" failures="1" errors="0" time="0.32">
    <testsuite name="vt/calc.test.mjs" timestamp="2026-11-22T22:11:47.045Z" hostname="vm" tests="6" failures="1" errors="0" skipped="1" time="0.006787486">
        <testcase classname="vt/calc.test.mjs" name="calc &gt; adds" time="0.000762424">
        </testcase>
        <testcase classname="vt/calc.test.mjs" name="calc &gt; fails" time="0.005069098">
            <failure message="expected 4 to be 5 // Object.is equality" type="AssertionError">
AssertionError: expected 4 to be 5 // Object.is equality

- Expected
+ Received

- 5
+ 4

 ❯ vt/calc.test.mjs:5:43
            </failure>
        </testcase>
        <testcase classname="vt/calc.test.mjs" name="calc &gt; skipped" time="0">
            <skipped/>
        </testcase>
        <testcase classname="vt/calc.test.mjs" name="calc &gt; data 1 0.1" time="0.00014023">
        </testcase>
        <testcase classname="vt/calc.test.mjs" name="calc &gt; data 2 3" time="0.000072369">
        </testcase>
        <testcase classname="vt/calc.test.mjs" name="top level" time="0.000101171">
        </testcase>
    </testsuite>
</testsuites>
""";

    /// <summary>vitest 3.2 json reporter with includeTaskLocation (trimmed: snapshot summary dropped, stack cut): the shape of jest's --json.</summary>
    public const string VitestJson = """
{
 "numTotalTests": 3,
 "numPassedTests": 2,
 "numFailedTests": 1,
 "success": false,
 "testResults": [
  {
   "assertionResults": [
    {
     "ancestorTitles": ["slug"],
     "fullName": "slug lowercases",
     "status": "passed",
     "title": "lowercases",
     "duration": 1.230600000000038,
     "failureMessages": [],
     "location": { "line": 5, "column": 3 },
     "meta": {}
    },
    {
     "ancestorTitles": ["slug"],
     "fullName": "slug slug(a--b) is a-b",
     "status": "passed",
     "title": "slug(a--b) is a-b",
     "duration": 0.12416500000000497,
     "failureMessages": [],
     "location": { "line": 12, "column": 4 },
     "meta": {}
    },
    {
     "ancestorTitles": ["slug"],
     "fullName": "slug keeps dots",
     "status": "failed",
     "title": "keeps dots",
     "duration": 7.297194999999988,
     "failureMessages": [
      "AssertionError: expected 'v1-2' to be 'v1.2' // Object.is equality\n    at /ws/test/slug.test.ts:17:26\n    at file:///ws/node_modules/@vitest/runner/dist/chunk-hooks.js:155:11"
     ],
     "location": { "line": 16, "column": 3 },
     "meta": {}
    }
   ],
   "startTime": 1796418891464,
   "endTime": 1796418891473.4973,
   "status": "failed",
   "message": "",
   "name": "/ws/test/slug.test.ts"
  }
 ]
}
""";

    /// <summary>mocha 10 --reporter xunit.</summary>
    public const string Mocha = """
<testsuite name="Mocha Tests" tests="5" failures="0" errors="1" skipped="1" timestamp="Sun, 22 Nov 2026 22:11:47 GMT" time="0.002">
<testcase classname="" name="top level" file="/ws/mt/calc.spec.js" time="0"/>
<testcase classname="calc" name="adds" file="/ws/mt/calc.spec.js" time="0"/>
<testcase classname="calc" name="fails" file="/ws/mt/calc.spec.js" time="0"><failure>Expected values to be strictly equal:

4 !== 5


      + expected - actual

      -4
      +5
      
AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:

4 !== 5

    at Context.&#x3C;anonymous&#x3E; (mt/calc.spec.js:5:30)
    at process.processImmediate (node:internal/timers:483:21)</failure></testcase>
<testcase classname="calc" name="skipped" file="/ws/mt/calc.spec.js" time="0"><skipped/></testcase>
<testcase classname="calc inner" name="deep" file="/ws/mt/calc.spec.js" time="0"/>
</testsuite>
""";

    /// <summary>node 20 --test with Builder's reporter: a file that fails to load, describe blocks, subtests, two files with a test of the same name.</summary>
    public const string NodeEvents = """
{"event":"test:fail","name":"/ws/test/broken.test.js","nesting":0,"file":"/ws/test/broken.test.js","duration":215.575527,"error":"test failed"}
{"event":"test:pass","name":"adds","nesting":0,"file":"/ws/test/calc.test.js","duration":69.155456}
{"event":"test:fail","name":"fails","nesting":0,"file":"/ws/test/calc.test.js","duration":1.049566,"error":"Expected values to be strictly equal:\n\n4 !== 5\n"}
{"event":"test:pass","name":"skipped","nesting":0,"file":"/ws/test/calc.test.js","skip":"later","duration":0.090496}
{"event":"test:pass","name":"nested ok","nesting":1,"file":"/ws/test/calc.test.js","duration":0.112068}
{"event":"test:fail","name":"nested bad","nesting":1,"file":"/ws/test/calc.test.js","duration":0.066299,"error":"boom"}
{"event":"test:fail","name":"suite","nesting":0,"file":"/ws/test/calc.test.js","type":"suite","duration":0.338869,"error":"1 subtest failed"}
{"event":"test:pass","name":"sub a","nesting":1,"file":"/ws/test/calc.test.js","duration":0.07948}
{"event":"test:pass","name":"with subtests","nesting":0,"file":"/ws/test/calc.test.js","duration":0.270335}
{"event":"test:pass","name":"adds","nesting":0,"file":"/ws/test/sub/other.test.js","duration":0.755714}
""";

    /// <summary>go 1.19 test -json: a root package without tests, a failure, a skip, a table test with subtests.</summary>
    public const string GoTest = """
{"Time":"2026-11-22T22:11:57.193366858Z","Action":"output","Package":"example.com/calc","Output":"?   \texample.com/calc\t[no test files]\n"}
{"Time":"2026-11-22T22:11:57.19358828Z","Action":"skip","Package":"example.com/calc","Elapsed":0}
{"Time":"2026-11-22T22:11:57.360787652Z","Action":"run","Package":"example.com/calc/calc","Test":"TestAdd"}
{"Time":"2026-11-22T22:11:57.360853581Z","Action":"output","Package":"example.com/calc/calc","Test":"TestAdd","Output":"=== RUN   TestAdd\n"}
{"Time":"2026-11-22T22:11:57.36091315Z","Action":"output","Package":"example.com/calc/calc","Test":"TestAdd","Output":"--- PASS: TestAdd (0.00s)\n"}
{"Time":"2026-11-22T22:11:57.360958318Z","Action":"pass","Package":"example.com/calc/calc","Test":"TestAdd","Elapsed":0}
{"Time":"2026-11-22T22:11:57.360963906Z","Action":"run","Package":"example.com/calc/calc","Test":"TestFails"}
{"Time":"2026-11-22T22:11:57.36096643Z","Action":"output","Package":"example.com/calc/calc","Test":"TestFails","Output":"=== RUN   TestFails\n"}
{"Time":"2026-11-22T22:11:57.361013711Z","Action":"output","Package":"example.com/calc/calc","Test":"TestFails","Output":"    calc_test.go:9: Add(2, 2) = 4, want 5\n"}
{"Time":"2026-11-22T22:11:57.361027201Z","Action":"output","Package":"example.com/calc/calc","Test":"TestFails","Output":"--- FAIL: TestFails (0.00s)\n"}
{"Time":"2026-11-22T22:11:57.36107285Z","Action":"fail","Package":"example.com/calc/calc","Test":"TestFails","Elapsed":0}
{"Time":"2026-11-22T22:11:57.361075634Z","Action":"run","Package":"example.com/calc/calc","Test":"TestSkipped"}
{"Time":"2026-11-22T22:11:57.361077807Z","Action":"output","Package":"example.com/calc/calc","Test":"TestSkipped","Output":"=== RUN   TestSkipped\n"}
{"Time":"2026-11-22T22:11:57.361102064Z","Action":"output","Package":"example.com/calc/calc","Test":"TestSkipped","Output":"    calc_test.go:11: later\n"}
{"Time":"2026-11-22T22:11:57.361123967Z","Action":"output","Package":"example.com/calc/calc","Test":"TestSkipped","Output":"--- SKIP: TestSkipped (0.00s)\n"}
{"Time":"2026-11-22T22:11:57.361171969Z","Action":"skip","Package":"example.com/calc/calc","Test":"TestSkipped","Elapsed":0}
{"Time":"2026-11-22T22:11:57.361174412Z","Action":"run","Package":"example.com/calc/calc","Test":"TestTable"}
{"Time":"2026-11-22T22:11:57.361176115Z","Action":"output","Package":"example.com/calc/calc","Test":"TestTable","Output":"=== RUN   TestTable\n"}
{"Time":"2026-11-22T22:11:57.361204457Z","Action":"run","Package":"example.com/calc/calc","Test":"TestTable/one_plus_one"}
{"Time":"2026-11-22T22:11:57.361206831Z","Action":"output","Package":"example.com/calc/calc","Test":"TestTable/one_plus_one","Output":"=== RUN   TestTable/one_plus_one\n"}
{"Time":"2026-11-22T22:11:57.361265159Z","Action":"run","Package":"example.com/calc/calc","Test":"TestTable/two"}
{"Time":"2026-11-22T22:11:57.361267572Z","Action":"output","Package":"example.com/calc/calc","Test":"TestTable/two","Output":"=== RUN   TestTable/two\n"}
{"Time":"2026-11-22T22:11:57.361282735Z","Action":"output","Package":"example.com/calc/calc","Test":"TestTable","Output":"--- PASS: TestTable (0.00s)\n"}
{"Time":"2026-11-22T22:11:57.361286791Z","Action":"output","Package":"example.com/calc/calc","Test":"TestTable/one_plus_one","Output":"    --- PASS: TestTable/one_plus_one (0.00s)\n"}
{"Time":"2026-11-22T22:11:57.361290376Z","Action":"pass","Package":"example.com/calc/calc","Test":"TestTable/one_plus_one","Elapsed":0}
{"Time":"2026-11-22T22:11:57.36129245Z","Action":"output","Package":"example.com/calc/calc","Test":"TestTable/two","Output":"    --- PASS: TestTable/two (0.00s)\n"}
{"Time":"2026-11-22T22:11:57.361303807Z","Action":"pass","Package":"example.com/calc/calc","Test":"TestTable/two","Elapsed":0}
{"Time":"2026-11-22T22:11:57.36130578Z","Action":"pass","Package":"example.com/calc/calc","Test":"TestTable","Elapsed":0}
{"Time":"2026-11-22T22:11:57.361307803Z","Action":"output","Package":"example.com/calc/calc","Output":"FAIL\n"}
{"Time":"2026-11-22T22:11:57.361628264Z","Action":"output","Package":"example.com/calc/calc","Output":"FAIL\texample.com/calc/calc\t0.005s\n"}
{"Time":"2026-11-22T22:11:57.361640682Z","Action":"fail","Package":"example.com/calc/calc","Elapsed":0.005}
""";
}
