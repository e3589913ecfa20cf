"""The five service endpoints every Builder service answers, as plain functions the server and the tests call."""
import json
import os
from datetime import datetime, timezone

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "capabilities.json"), encoding="utf-8") as f:
    CAPABILITIES = json.load(f)

STARTED_AT = datetime.now(timezone.utc).isoformat()
_handled = 0


def health():
    return {"status": "healthy", "service": CAPABILITIES["name"]}


def describe():
    return CAPABILITIES


def state():
    return {"startedAt": STARTED_AT, "messagesHandled": _handled}


def dependencies():
    return {"dependencies": []}


def message(envelope):
    """Handles one message envelope {traceId, messageType, payload}: the answer's status and body."""
    global _handled
    if not isinstance(envelope, dict) or not isinstance(envelope.get("messageType"), str) or not isinstance(envelope.get("payload"), dict):
        return 400, {"error": "a message needs messageType (a string) and payload (an object)"}
    _handled += 1
    if envelope["payload"].get("action") == "status":
        return 200, {"traceId": envelope.get("traceId"), "status": health()["status"], "state": state()}
    return 202, {"traceId": envelope.get("traceId"), "accepted": True}
