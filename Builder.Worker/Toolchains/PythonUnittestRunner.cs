namespace Builder.Worker.Toolchains;

/// <summary>
/// unittest writes no machine-readable report, so Builder runs it through this script: it discovers
/// the tests like `python -m unittest discover` (from the root, and from a tests/ or test/ folder
/// that is not a package) and writes JUnit XML with the same classname/name split pytest uses, so a
/// repository keeps its test ids whichever runner ran it. The script travels inside the command (a
/// heredoc) so no file has to be placed anywhere first.
/// </summary>
public static class PythonUnittestRunner
{
    public const string Report = "unittest.xml";

    public static string Command(string python) => $"{python} - <<'BUILDER_UNITTEST'\n{Script}\nBUILDER_UNITTEST";

    public const string Script = """
        import os, sys, time, unittest
        import xml.etree.ElementTree as ET

        class Result(unittest.TextTestResult):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.cases = {}

            def case(self, test):
                return self.cases.setdefault(test.id(), {"test": test, "outcome": "passed", "message": "", "detail": "", "time": 0.0})

            def startTest(self, test):
                super().startTest(test)
                self.case(test)["start"] = time.perf_counter()

            def stopTest(self, test):
                case = self.case(test)
                case["time"] = time.perf_counter() - case.pop("start", time.perf_counter())
                super().stopTest(test)

            def fail(self, test, err, outcome, prefix=""):
                case = self.case(test)
                case["outcome"] = outcome
                case["message"] = prefix + "".join(str(err[1]).splitlines()[:1]) if err[1] is not None else prefix + outcome
                case["detail"] += self._exc_info_to_string(err, test)

            def addFailure(self, test, err):
                super().addFailure(test, err)
                self.fail(test, err, "failure")

            def addError(self, test, err):
                super().addError(test, err)
                self.fail(test, err, "error")

            def addSubTest(self, test, subtest, err):
                super().addSubTest(test, subtest, err)
                if err is not None:
                    self.fail(test, err, "failure", subtest._subDescription() + " ")

            def addSkip(self, test, reason):
                super().addSkip(test, reason)
                case = self.case(test)
                case["outcome"], case["message"] = "skipped", reason

            def addUnexpectedSuccess(self, test):
                super().addUnexpectedSuccess(test)
                case = self.case(test)
                case["outcome"], case["message"] = "failure", "unexpected success"

        def discover():
            suite = unittest.TestSuite()
            suite.addTests(unittest.TestLoader().discover(".", top_level_dir="."))
            for folder in ("tests", "test"):
                if os.path.isdir(folder) and not os.path.isfile(os.path.join(folder, "__init__.py")):
                    suite.addTests(unittest.TestLoader().discover(folder, top_level_dir=folder))
            return suite

        def split(test_id, test):
            # Named after the file, as pytest names tests, whatever folder discovery started from.
            method = getattr(test, "_testMethodName", None)
            module = sys.modules.get(type(test).__module__)
            path = getattr(module, "__file__", None)
            if method and path:
                relative = os.path.relpath(os.path.splitext(os.path.abspath(path))[0])
                if not relative.startswith(".."):
                    return relative.replace(os.sep, ".") + "." + type(test).__qualname__, method
            # Load failures and setUpClass/setUpModule errors ("setUpClass (module.Class)").
            if " " in test_id or "." not in test_id:
                return "", test_id
            classname, _, name = test_id.rpartition(".")
            return classname, name

        runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=Result)
        result = runner.run(discover())
        root = ET.Element("testsuites")
        suite = ET.SubElement(root, "testsuite", name="unittest", tests=str(len(result.cases)))
        for test_id, case in result.cases.items():
            classname, name = split(test_id, case["test"])
            element = ET.SubElement(suite, "testcase", classname=classname, name=name, time="%.6f" % case["time"])
            if case["outcome"] != "passed":
                child = ET.SubElement(element, case["outcome"], message=case["message"])
                child.text = case["detail"] or None
        reports = os.environ.get("BUILDER_REPORTS_DIR", ".")
        ET.ElementTree(root).write(os.path.join(reports, "unittest.xml"), encoding="utf-8", xml_declaration=True)
        sys.exit(0 if result.wasSuccessful() else 1)
        """;
}
