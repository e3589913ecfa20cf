'use strict';
const test = require('node:test');
const assert = require('node:assert');
const service = require('../src/service');

test('health reports the service healthy', () => {
  assert.strictEqual(service.health().status, 'healthy');
});

test('a status command is answered and an empty envelope refused', () => {
  assert.strictEqual(service.message({ traceId: 't1', messageType: 'command', payload: { action: 'status' } }).status, 200);
  assert.strictEqual(service.message({}).status, 400);
});
