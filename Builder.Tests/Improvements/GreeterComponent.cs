using Builder.Tests.Agent.Scripted;

namespace Builder.Tests.Improvements;

/// <summary>What the scripted model answers for a generated component asked to greet: GET /greeting answering {message: 'hello'}, tested.</summary>
public static class GreeterComponent
{
    const string Greeting = """
        'use strict';

        /** The greeting the service answers at GET /greeting. */
        function greeting() {
          return { message: 'hello' };
        }

        module.exports = { greeting };

        """;

    const string GreetingTest = """
        'use strict';
        const test = require('node:test');
        const assert = require('node:assert');
        const { greeting } = require('../src/greeting');

        test('greeting says hello', () => {
          assert.deepStrictEqual(greeting(), { message: 'hello' });
        });

        """;

    /// <summary>The planner's plan and the engineer's edits that add GET /greeting to a service seeded from the Node template.</summary>
    public static void Script(ScriptedModel model)
    {
        model.Planner(Turn.Json(new
        {
            summary = "Add GET /greeting answering {message: 'hello'}.",
            steps = new[] { "Add src/greeting.js", "Route GET /greeting in server.js", "Test it" },
            files = new object[]
            {
                new { path = "src/greeting.js", action = "add", why = "the greeting" },
                new { path = "server.js", action = "modify", why = "the route" },
                new { path = "test/greeting.test.js", action = "add", why = "its test" },
            },
            tests = new[] { new { path = "test/greeting.test.js", description = "greeting says hello; fails while there is no greeting" } },
            risks = new[] { "none" },
        })).Engineer(
            Turn.Tool("read_file", new { path = "server.js" }),
            Turn.Tool("write_file", new { path = "src/greeting.js", content = Greeting }),
            Turn.Tool("apply_edit", new
            {
                path = "server.js",
                search = "  'GET /dependencies': () => ({ status: 200, body: service.dependencies() }),\n",
                replace = "  'GET /dependencies': () => ({ status: 200, body: service.dependencies() }),\n  'GET /greeting': () => ({ status: 200, body: require('./src/greeting').greeting() }),\n",
            }),
            Turn.Tool("write_file", new { path = "test/greeting.test.js", content = GreetingTest }),
            Turn.Json(new { summary = "GET /greeting answers hello; tested.", edits = Array.Empty<object>() }));
    }
}
