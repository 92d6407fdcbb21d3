"""A loopback HTTP server that answers with scripted responses, for faults a real MLflow
server does not produce on demand (endless page tokens, broken JSON, huge or slow bodies,
redirects to another host). Real sockets and real timeouts; only the answers are scripted."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    delay: float = 0.0


def json_reply(payload: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode())


Script = Callable[[str, str, dict[str, list[str]], bytes], Reply]
"""(method, path, query, body) -> the reply."""


@dataclass(slots=True)
class Recorded:
    requests: list[tuple[str, str, dict[str, list[str]], bytes]] = field(default_factory=list)
    authorization: list[str | None] = field(default_factory=list)
    """The ``Authorization`` header of each request (None when absent)."""


@contextmanager
def scripted_server(script: Script) -> Iterator[tuple[str, Recorded]]:
    recorded = Recorded()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = parse_qs(parts.query)
            recorded.requests.append((self.command, parts.path, query, body))
            recorded.authorization.append(self.headers.get("Authorization"))
            reply = script(self.command, parts.path, query, body)
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = _answer
        do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorded
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
