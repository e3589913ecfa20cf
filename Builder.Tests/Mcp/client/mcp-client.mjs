// An MCP client built on the official TypeScript SDK, driven by Builder's tests one JSON line at a time.
//
//   BUILDER_MCP_URL=http://127.0.0.1:5000/mcp BUILDER_MCP_KEY=<api key> node mcp-client.mjs
//
// After connecting it prints {"connected": true, "server": {...}, "instructions": "..."}; then for every
// request line on stdin it prints one response line:
//   {"op": "listTools"}                                -> {"ok": true, "result": {"tools": [...]}}
//   {"op": "callTool", "name": "...", "arguments": {}} -> {"ok": true, "result": {"content": [...], "isError": ...}}
// A failure prints {"ok": false, "error": "...", "code": <HTTP status or JSON-RPC code>}; a failed
// connection exits with code 2 after printing it. Without BUILDER_MCP_KEY no Authorization header is sent.
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = process.env.BUILDER_MCP_URL;
const key = process.env.BUILDER_MCP_KEY;
if (!url) {
  console.error('BUILDER_MCP_URL is required');
  process.exit(64);
}

const print = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const failure = (error) => ({ ok: false, error: String(error?.message ?? error), code: error?.code ?? null });

const headers = key ? { Authorization: `Bearer ${key}` } : {};
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const client = new Client({ name: 'builder-tests', version: '1.0.0' });

try {
  await client.connect(transport);
} catch (error) {
  print({ connected: false, ...failure(error) });
  process.exit(2);
}
print({ connected: true, server: client.getServerVersion(), instructions: client.getInstructions() ?? null });

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    const request = JSON.parse(line);
    switch (request.op) {
      case 'listTools':
        print({ ok: true, result: await client.listTools() });
        break;
      case 'callTool':
        print({ ok: true, result: await client.callTool({ name: request.name, arguments: request.arguments ?? {} }) });
        break;
      default:
        print({ ok: false, error: `unknown op '${request.op}'`, code: null });
    }
  } catch (error) {
    print(failure(error));
  }
}
await client.close();
