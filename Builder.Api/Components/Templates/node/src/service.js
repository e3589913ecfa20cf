'use strict';

// The five service endpoints every Builder service answers, as plain functions the server and the tests call.
const capabilities = require('../capabilities.json');

const startedAt = new Date().toISOString();
let handled = 0;

function health() {
  return { status: 'healthy', service: capabilities.name };
}

function describe() {
  return capabilities;
}

function state() {
  return { startedAt, messagesHandled: handled };
}

function dependencies() {
  return { dependencies: [] };
}

/** Handles one message envelope {traceId, messageType, payload}: the answer's status and body. */
function message(envelope) {
  if (!envelope || typeof envelope.messageType !== 'string' || typeof envelope.payload !== 'object' || envelope.payload === null) {
    return { status: 400, body: { error: 'a message needs messageType (a string) and payload (an object)' } };
  }
  handled++;
  if (envelope.payload.action === 'status') {
    return { status: 200, body: { traceId: envelope.traceId, status: health().status, state: state() } };
  }
  return { status: 202, body: { traceId: envelope.traceId, accepted: true } };
}

module.exports = { health, describe, state, dependencies, message };
