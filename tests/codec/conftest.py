"""Fixtures for the codec tests: a local HTTP server that counts every request made to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.kit.documents import Canary


@pytest.fixture
def canary() -> Iterator[Canary]:
    record = Canary(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            record.requests.append(self.path)
            body = b'<!ENTITY leak "LEAKED-CANARY">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
