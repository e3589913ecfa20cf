"""Serves the service's endpoints over HTTP on $PORT."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import service

ROUTES = {
    "/health": service.health,
    "/capabilities": service.describe,
    "/state": service.state,
    "/dependencies": service.dependencies,
}


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        route = ROUTES.get(self.path.split("?")[0])
        if route is None:
            self._send(404, {"error": f"no route GET {self.path}"})
        else:
            self._send(200, route())

    def do_POST(self):
        if self.path.split("?")[0] != "/message":
            self._send(404, {"error": f"no route POST {self.path}"})
            return
        length = int(self.headers.get("content-length") or 0)
        try:
            envelope = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            envelope = None
        self._send(*service.message(envelope))

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
