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
is otherwise offline. The usual gaps of that server are closed here: a bounded number of
requests in flight (503 beyond), a socket timeout against slow clients, a body limit
checked before reading and again after gunzip, and no chunked bodies (411).
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import os
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson

from stackward.lineage.openlineage import MAX_EVENT_BYTES, EventError, parse_event

ENDPOINT = "/api/v1/lineage"
MAX_IN_FLIGHT = 64
SOCKET_TIMEOUT_SECONDS = 30.0
MIN_TOKEN_CHARS = 16


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


class _Rejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class LineageReceiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        spool: Spool,
        token: str | None,
        max_body_bytes: int = MAX_EVENT_BYTES,
    ) -> None:
        self.spool = spool
        self.token = token.encode() if token is not None else None
        self.max_body_bytes = max_body_bytes
        self.in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)
        super().__init__(address, _Handler)


def make_receiver(
    host: str,
    port: int,
    spool_dir: Path,
    token: str | None,
    insecure_no_auth: bool = False,
    max_body_bytes: int = MAX_EVENT_BYTES,
) -> LineageReceiver:
    """A bound receiver; :class:`ReceiverError` when the configuration is unsafe."""
    if token is None or not token:
        if not insecure_no_auth:
            raise ReceiverError("no token: set the token variable, or pass --insecure-no-auth")
        if not _is_loopback(host):
            raise ReceiverError("--insecure-no-auth is only allowed on a loopback address")
        token = None
    elif len(token) < MIN_TOKEN_CHARS:
        raise ReceiverError(f"the token is shorter than {MIN_TOKEN_CHARS} characters")
    return LineageReceiver((host, port), Spool(spool_dir), token, max_body_bytes)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server: LineageReceiver
    timeout = SOCKET_TIMEOUT_SECONDS
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        if not self.server.in_flight.acquire(blocking=False):
            self._reply(503, {"error": "too many requests in flight; retry later"})
            return
        self._body_read = False
        try:
            self._reply(201, self._accept())
        except _Rejected as rejected:
            self._drain()
            self._reply(rejected.status, {"error": rejected.message})
        finally:
            self.server.in_flight.release()

    def do_GET(self) -> None:
        self._reply(405, {"error": f"POST OpenLineage events to {ENDPOINT}"})

    def _accept(self) -> dict[str, str]:
        if self.path.rstrip("/") != ENDPOINT:
            raise _Rejected(404, f"unknown path; POST OpenLineage events to {ENDPOINT}")
        self._authenticate()
        body = self._body()
        try:
            obj = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise _Rejected(400, f"body is not valid JSON: {exc}") from None
        try:
            parse_event(obj)
        except EventError as exc:
            raise _Rejected(400, f"malformed OpenLineage event: {exc}") from None
        try:
            self.server.spool.append(orjson.dumps(obj))
        except OSError as exc:
            raise _Rejected(503, f"the event could not be stored: {exc.strerror}") from None
        return {"status": "stored"}

    def _authenticate(self) -> None:
        expected = self.server.token
        if expected is None:
            return
        header = self.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            presented.strip().encode(), expected
        ):
            raise _Rejected(401, "missing or wrong bearer token")

    def _body(self) -> bytes:
        limit = self.server.max_body_bytes
        if self.headers.get("Transfer-Encoding"):
            raise _Rejected(411, "chunked bodies are not accepted; send Content-Length")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise _Rejected(411, "Content-Length is required") from None
        if length < 0 or length > limit:
            raise _Rejected(413, f"body larger than {limit} bytes")
        body = self.rfile.read(length)
        self._body_read = True
        encoding = self.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding == "gzip":
            return _gunzip(body, limit)
        if encoding != "identity":
            raise _Rejected(415, f"Content-Encoding {encoding[:20]!r} is not supported")
        return body

    def _drain(self) -> None:
        """Read an unread body within the limit, so the client sees the reply, not a reset."""
        if self._body_read:
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return
        if 0 < length <= self.server.max_body_bytes:
            self.rfile.read(length)
        self._body_read = True

    def _reply(self, status: int, payload: dict[str, str]) -> None:
        data = orjson.dumps(payload)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", "Bearer")
        if status >= 400:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)


def _gunzip(body: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise _Rejected(400, f"body is not valid gzip: {exc}") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise _Rejected(413, f"decompressed body larger than {limit} bytes")
    if not inflater.eof:
        raise _Rejected(400, "gzip body is truncated")
    return data
