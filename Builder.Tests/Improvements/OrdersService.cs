using Builder.Tests.Agent.Scripted;
using Builder.Tests.Support;

namespace Builder.Tests.Improvements;

/// <summary>
/// A small Node service whose GET /orders fails (its listOrders throws a TypeError, written to stderr),
/// whose /metrics answers 503, and whose builder.yaml asks Builder to watch /orders and scrape /metrics.
/// The scripted fix makes listOrders return the orders and adds a test that fails without it.
/// </summary>
public static class OrdersService
{
    const string Orders = """
        'use strict';

        /** The orders the service knows. */
        function listOrders() {
          const orders = undefined;
          return [...orders];
        }

        module.exports = { listOrders };

        """;

    const string Server = """
        'use strict';
        const http = require('http');
        const { listOrders } = require('./src/orders');
        const slowHealth = Number(process.env.SLOW_HEALTH_MS || '0');
        http.createServer((req, res) => {
          if (req.url === '/orders') {
            try {
              const orders = listOrders();
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(JSON.stringify(orders));
            } catch (e) {
              console.error(`${e.name}: ${e.message} at GET /orders`);
              res.writeHead(500, { 'content-type': 'text/plain' });
              res.end('internal error\n');
            }
            return;
          }
          if (req.url === '/metrics') {
            res.writeHead(503, { 'content-type': 'text/plain' });
            res.end('metrics are not ready\n');
            return;
          }
          setTimeout(() => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('ok\n');
          }, slowHealth);
        }).listen(Number(process.env.PORT), '127.0.0.1');

        """;

    public static TestRepository Create(string service) => TestRepository.Create(new Dictionary<string, string>
    {
        ["package.json"] = """{ "name": "orders", "version": "1.0.0", "private": true, "scripts": { "build": "node --check server.js", "test": "node --test" } }""" + "\n",
        ["server.js"] = Server,
        ["src/orders.js"] = Orders,
        ["test/module.test.js"] = """
            'use strict';
            const test = require('node:test');
            const assert = require('node:assert');
            const orders = require('../src/orders');

            test('the module exports listOrders', () => {
              assert.strictEqual(typeof orders.listOrders, 'function');
            });

            """,
        ["builder.yaml"] = $"""
            service: {service}
            runtime: node
            publish: none
            start: node server.js
            port: $PORT
            health:
              path: /health
              readinessTimeout: 6s
            telemetry:
              endpoints: [/orders]
              metrics: /metrics
            policy:
              successRate: 99
              p99: 3s
              interval: 100ms
              window: 2s
              keepPrevious: 60s
              maxDegradation: 10
            """,
        ["README.md"] = "# orders\n\nA small orders service.\n",
    });

    public const string FixedOrders = """
        function listOrders() {
          return [{ id: 1, item: 'book' }];
        }
        """;

    const string OrdersTest = """
        'use strict';
        const test = require('node:test');
        const assert = require('node:assert');
        const { listOrders } = require('../src/orders');

        test('listOrders returns the orders', () => {
          assert.deepStrictEqual(listOrders(), [{ id: 1, item: 'book' }]);
        });

        """;

    static object Plan => new
    {
        summary = "Make listOrders return the orders instead of spreading undefined, and test it.",
        steps = new[] { "Return the orders from listOrders", "Add test/orders.test.js" },
        files = new object[]
        {
            new { path = "src/orders.js", action = "modify", why = "listOrders throws a TypeError" },
            new { path = "test/orders.test.js", action = "add", why = "the fix's test" },
        },
        tests = new[] { new { path = "test/orders.test.js", description = "listOrders returns the orders; fails while it throws" } },
        risks = new[] { "none" },
    };

    /// <summary>The model's answers for the improvement run: a plan, the fix (and, when asked, a slower health path), the test.</summary>
    public static void Script(ScriptedModel model, bool slowHealth = false)
    {
        List<Turn> engineer =
        [
            Turn.Tools(new("read_file", new { path = "src/orders.js" }), new("read_file", new { path = "server.js" })),
            Turn.Tool("apply_edit", new
            {
                path = "src/orders.js",
                search = "function listOrders() {\n  const orders = undefined;\n  return [...orders];\n}",
                replace = FixedOrders.TrimEnd(),
            }),
            Turn.Tool("write_file", new { path = "test/orders.test.js", content = OrdersTest }),
        ];
        if (slowHealth)
            engineer.Add(Turn.Tool("apply_edit", new
            {
                path = "server.js", search = "const slowHealth = Number(process.env.SLOW_HEALTH_MS || '0');", replace = "const slowHealth = 150;",
            }));
        engineer.Add(Turn.Json(new { summary = "listOrders returns the orders; test added.", edits = Array.Empty<object>() }));
        model.Planner(Turn.Json(Plan)).Engineer([.. engineer]);
    }
}
