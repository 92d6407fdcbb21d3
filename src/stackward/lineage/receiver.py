"""An OpenLineage HTTP endpoint that spools events to JSON Lines for the next scan.

Speaks what the ``openlineage-python`` HTTP transport sends: ``POST /api/v1/lineage`` with
a JSON body, ``Authorization: Bearer <api_key>`` and optionally ``Content-Encoding: gzip``.
Each event is validated (:func:`~stackward.lineage.openlineage.parse_event`); a malformed
one gets ``400`` with a JSON error naming the problem and nothing is written. A valid one
is appended to the day's spool file and flushed to disk with ``fsync`` *before* the ``201``
is sent, so an acknowledged event survives a crash.

Built on the standard library's :class:`~http.server.ThreadingHTTPServer` rather than an
ASGI stack: the endpoint is one route doing a blocking append and fsync, which a thread per
request serves as well as an event loop would, and it adds no dependency to a tool that
is otherwise offline. The usual gaps of that server are closed by the handling shared with
the detection receiver (:mod:`stackward.http_receiving`): a bounded number of requests in
flight (503 beyond), a socket timeout against slow clients, a body limit checked before
reading and again after gunzip, and no chunked bodies (411).
"""

from __future__ import annotations

import datetime as dt
import os
import ssl
import threading
from pathlib import Path
from typing import Any

import orjson

from stackward.http_receiving import (
    MAX_IN_FLIGHT,
    MIN_TOKEN_CHARS,
    JsonReceivingHandler,
    ReceivingServer,
    Rejected,
    is_loopback,
)
from stackward.lineage.openlineage import MAX_EVENT_BYTES, EventError, parse_event
from stackward.tls import ReceiverTls, TlsSetupError, server_context

ENDPOINT = "/api/v1/lineage"


class ReceiverError(Exception):
    """The receiver cannot start as configured; the message says why."""


class Spool:
    """Day files ``openlineage-YYYY-MM-DD.jsonl`` (UTC) in one directory, appended under a lock."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()

    def append(self, line: bytes) -> Path:
        """Append one event line and fsync it; returns the file written."""
        day = dt.datetime.now(dt.UTC).date().isoformat()
        path = self.directory / f"openlineage-{day}.jsonl"
        with self._lock:
            created = not path.exists()
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line + b"\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                _fsync_directory(self.directory)
        return path


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LineageReceiver(ReceivingServer):
    def __init__(
        self,
        address: tuple[str, int],
        spool: Spool,
        token: str | None,
        max_body_bytes: int = MAX_EVENT_BYTES,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.spool = spool
        self.token = token.encode() if token is not None else None
        self.max_body_bytes = max_body_bytes
        self.in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)
        super().__init__(address, _Handler, tls)


def make_receiver(
    host: str,
    port: int,
    spool_dir: Path,
    token: str | None,
    insecure_no_auth: bool = False,
    max_body_bytes: int = MAX_EVENT_BYTES,
    tls: ReceiverTls | None = None,
) -> LineageReceiver:
    """A bound receiver (HTTPS with ``tls``); :class:`ReceiverError` when the configuration
    is unsafe or a TLS file cannot be read."""
    if token is None or not token:
        if not insecure_no_auth:
            raise ReceiverError("no token: set the token variable, or pass --insecure-no-auth")
        if not is_loopback(host):
            raise ReceiverError("--insecure-no-auth is only allowed on a loopback address")
        token = None
    elif len(token) < MIN_TOKEN_CHARS:
        raise ReceiverError(f"the token is shorter than {MIN_TOKEN_CHARS} characters")
    context = None
    if tls is not None:
        try:
            context = server_context(tls)
        except TlsSetupError as exc:
            raise ReceiverError(str(exc)) from None
    return LineageReceiver((host, port), Spool(spool_dir), token, max_body_bytes, context)


class _Handler(JsonReceivingHandler):
    server: LineageReceiver
    success_status = 201
    usage = f"POST OpenLineage events to {ENDPOINT}"

    def expected_token(self) -> bytes | None:
        return self.server.token

    def body_limit(self) -> int:
        return self.server.max_body_bytes

    def in_flight(self) -> threading.BoundedSemaphore:
        return self.server.in_flight

    def accept(self) -> dict[str, Any]:
        if self.path.rstrip("/") != ENDPOINT:
            raise self.unknown_path()
        self.authenticate()
        body = self.read_body()
        try:
            obj = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise Rejected(400, f"body is not valid JSON: {exc}") from None
        try:
            parse_event(obj)
        except EventError as exc:
            raise Rejected(400, f"malformed OpenLineage event: {exc}") from None
        try:
            self.server.spool.append(orjson.dumps(obj))
        except OSError as exc:
            raise Rejected(503, f"the event could not be stored: {exc.strerror}") from None
        return {"status": "stored"}
