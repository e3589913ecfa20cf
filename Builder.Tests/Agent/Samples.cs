using Builder.Tests.Support;

namespace Builder.Tests.Agent;

/// <summary>Sample repositories the agent works on, and the scripted change for each: genuine — the new test fails without the code and passes with it.</summary>
public static class Samples
{
    public const string StringsJs = """
        'use strict';

        /** Lower-cases a text and joins its words with dashes. */
        function slugify(text) {
          return text.trim().toLowerCase().split(/\s+/).join('-');
        }

        module.exports = { slugify };

        """;

    public static TestRepository Node(IReadOnlyDictionary<string, string>? extra = null)
    {
        var files = new Dictionary<string, string>
        {
            ["package.json"] = """{ "name": "sample-strings", "version": "1.0.0", "private": true, "scripts": { "build": "node --check src/strings.js", "test": "node --test" } }""" + "\n",
            ["README.md"] = "# sample-strings\n\nSmall string helpers.\n",
            ["src/strings.js"] = StringsJs,
            ["test/strings.test.js"] = """
                'use strict';
                const test = require('node:test');
                const assert = require('node:assert');
                const { slugify } = require('../src/strings');

                test('slugify joins words with dashes', () => {
                  assert.strictEqual(slugify('Hello World'), 'hello-world');
                });

                """,
        };
        foreach (var (path, content) in extra ?? new Dictionary<string, string>())
            files[path] = content;
        return TestRepository.Create(files);
    }

    public const string TitleCaseFunction = """
        /** Upper-cases the first letter of every word. */
        function titleCase(text) {
          return text.split(' ').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
        }

        module.exports = { slugify, titleCase };
        """;

    public const string TitleCaseTest = """
        'use strict';
        const test = require('node:test');
        const assert = require('node:assert');
        const { titleCase } = require('../src/strings');

        test('titleCase capitalises every word', () => {
          assert.strictEqual(titleCase('hello big world'), 'Hello Big World');
        });

        """;

    public static object NodePlan => new
    {
        summary = "Add titleCase to src/strings.js and a test for it.",
        steps = new[] { "Add a titleCase function beside slugify and export it", "Add test/titlecase.test.js" },
        files = new object[]
        {
            new { path = "src/strings.js", action = "modify", why = "the helpers live here" },
            new { path = "test/titlecase.test.js", action = "add", why = "the new behaviour's test" },
        },
        tests = new[] { new { path = "test/titlecase.test.js", description = "titleCase capitalises every word; fails while titleCase does not exist" } },
        risks = new[] { "words separated by several spaces keep them" },
    };

    /// <summary>The planner explores with the read-only tools, then plans.</summary>
    public static Scripted.Turn[] NodePlanner() =>
    [
        Scripted.Turn.Tools(new("list_files", new { glob = "**/*.js" }), new("outline_file", new { path = "src/strings.js" })),
        Scripted.Turn.Json(NodePlan),
    ];

    /// <summary>The engineer reads and searches, edits the source, writes the test and finishes.</summary>
    public static Scripted.Turn[] NodeEngineer() =>
    [
        Scripted.Turn.Tools(new("read_file", new { path = "src/strings.js" }), new("search_text", new { pattern = @"module\.exports" })),
        Scripted.Turn.Tool("apply_edit", new { path = "src/strings.js", search = "module.exports = { slugify };", replace = TitleCaseFunction }),
        Scripted.Turn.Tool("write_file", new { path = "test/titlecase.test.js", content = TitleCaseTest }),
        Scripted.Turn.Json(new { summary = "Added titleCase and its test.", edits = Array.Empty<object>() }),
    ];
}
