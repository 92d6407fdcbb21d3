"""An HTTP receiver for JSON events: ``POST /api/v1/events``.

The body is one JSON object, a JSON array of objects, or JSON Lines (one object per line),
optionally ``Content-Encoding: gzip``. A request is taken whole or not at all: a malformed
body gets ``400`` naming the problem (the line, for JSON Lines) and nothing is queued; when
the queue has no room for all its events the answer is ``503`` with ``Retry-After`` (the
sender retries: back-pressure, no silent drop); otherwise ``202`` with the count accepted.

It follows the OpenLineage receiver's habits (:mod:`stackward.lineage.receiver`): a bearer
token compared in constant time, no start without one unless ``insecure_no_auth`` on a
loopback address, a bounded number of requests in flight, a socket timeout, the body limit
checked against ``Content-Length`` before reading and again after gunzip (a gzip bomb is
``413``), and no chunked bodies (``411``).

Each object becomes a record whose ``data`` is the object's JSON text and whose
``Position.offset`` is a sequence number. Without a spool, events accepted but not processed
when the process dies are lost (at-most-once across a crash); with a
:class:`~stackward.detect.sources.spool.ReceiverSpool` they are fsynced there before the 202 and
read back from it (the offset is then the spool offset), so a restart reads them again.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import socket
import threading
import zlib
from collections import deque
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord, SourceError
from stackward.detect.sources.spool import ReceiverSpool

ENDPOINT = "/api/v1/events"
MAX_IN_FLIGHT = 64
SOCKET_TIMEOUT_SECONDS = 30.0
MIN_TOKEN_CHARS = 16
WAIT_SECONDS = 0.2
RETRY_AFTER_SECONDS = 1


class _Buffer:
    """A bounded queue that takes a request's records all at once or not at all."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: deque[RawRecord] = deque()
        self._ready = threading.Condition()

    def offer(self, records: list[RawRecord]) -> bool:
        with self._ready:
            if len(self._items) + len(records) > self.capacity:
                return False
            self._items.extend(records)
            self._ready.notify()
            return True

    def take(self, timeout: float) -> RawRecord | None:
        with self._ready:
            if not self._items:
                self._ready.wait(timeout)
            return self._items.popleft() if self._items else None

    def __len__(self) -> int:
        return len(self._items)


class HttpReceiver:
    """Implements :class:`~stackward.detect.interfaces.Source`; see the module docstring."""

    def __init__(
        self,
        host: str,
        port: int,
        token: str | None,
        format: str = "auto",
        max_body_bytes: int = 16 * 2**20,
        max_queue: int = 10_000,
        insecure_no_auth: bool = False,
        spool: ReceiverSpool | None = None,
    ) -> None:
        if not token:
            if not insecure_no_auth:
                raise SourceError(
                    f"http receiver {host}:{port}: no token; set the token variable, or pass "
                    "--insecure-no-auth (loopback only)"
                )
            if not _is_loopback(host):
                raise SourceError("--insecure-no-auth is only allowed on a loopback address")
        elif len(token) < MIN_TOKEN_CHARS:
            raise SourceError(f"the receiver token is shorter than {MIN_TOKEN_CHARS} characters")
        self.host = host
        self.port = port
        self.id = f"http:{host}:{port}"
        self.format = format
        self.token = token.encode() if token else None
        self.max_body_bytes = max_body_bytes
        self.rejected = 0
        """Requests answered 503 because the queue was full (their senders retry)."""
        self.address: tuple[str, int] | None = None
        self.ready = threading.Event()
        self.buffer = _Buffer(max_queue)
        self.spool = spool
        """When set, accepted events are fsynced here before the 202 and read back from it,
        so a restart reads again what was accepted but not processed."""
        self.in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)
        self._sequence = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def read(self, start: int = 0, follow: bool = True) -> Iterator[RawRecord]:
        """Serve until :meth:`stop`, yielding accepted events in arrival order."""
        self._sequence = start
        try:
            server = _Server((self.host.strip("[]"), self.port), self)
        except OSError as exc:
            raise SourceError(f"{self.id}: cannot listen: {exc.strerror or exc}") from None
        self.address = server.server_address[:2]  # type: ignore[assignment]
        thread = threading.Thread(target=server.serve_forever, args=(WAIT_SECONDS,), daemon=True)
        thread.start()
        self.ready.set()
        try:
            if self.spool is not None:
                for offset, entry in self.spool.entries(start, self._stopped):
                    yield self._record(entry["data"], offset, entry["meta"])
                return
            while not self._stopped.is_set() or len(self.buffer):
                record = self.buffer.take(WAIT_SECONDS)
                if record is not None:
                    yield record
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    def committed(self, offsets: Mapping[str, int]) -> None:
        """A checkpoint holds ``offsets``: spooled events before ours can go."""
        if self.spool is not None and self.id in offsets:
            self.spool.release(offsets[self.id])

    def _record(self, data: str, offset: int, meta: Mapping[str, Any], line: int = 0) -> RawRecord:
        return RawRecord(
            data=data,
            position=Position(self.id, offset, line),
            format=self.format,
            received=dt.datetime.now(dt.UTC),
            meta=meta,
        )

    def accept(self, objects: list[dict[str, Any]], peer: str) -> bool:
        """Queue one request's events (all or none); False when there is no room."""
        meta = {"path": ENDPOINT, "peer": peer}
        texts = [orjson.dumps(obj).decode() for obj in objects]
        if self.spool is not None:
            entries = [{"data": text, "meta": meta} for text in texts]
            if self.spool.append(entries, sync=True):
                return True
            with self._lock:
                self.rejected += 1
            return False
        with self._lock:
            first = self._sequence
            records = [
                self._record(text, first + n, meta, line=first + n)
                for n, text in enumerate(texts, start=1)
            ]
            if not self.buffer.offer(records):
                self.rejected += 1
                return False
            self._sequence += len(records)
            return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], receiver: HttpReceiver) -> None:
        self.receiver = receiver
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)


class _Rejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = SOCKET_TIMEOUT_SECONDS
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged to stderr (bodies and tokens never are)."""

    def do_POST(self) -> None:
        receiver = self.server.receiver
        if not receiver.in_flight.acquire(blocking=False):
            self._reply(503, {"error": "too many requests in flight; retry later"})
            return
        self._body_read = False
        try:
            self._reply(202, {"accepted": self._accept()})
        except _Rejected as rejected:
            self._drain()
            self._reply(rejected.status, {"error": rejected.message})
        finally:
            receiver.in_flight.release()

    def do_GET(self) -> None:
        self._reply(405, {"error": f"POST JSON events to {ENDPOINT}"})

    def _accept(self) -> int:
        if self.path.split("?", 1)[0].rstrip("/") != ENDPOINT:
            raise _Rejected(404, f"unknown path; POST JSON events to {ENDPOINT}")
        self._authenticate()
        objects = _objects(self._body())
        if not self.server.receiver.accept(objects, self.client_address[0]):
            raise _Rejected(503, "the event queue is full; retry later")
        return len(objects)

    def _authenticate(self) -> None:
        expected = self.server.receiver.token
        if expected is None:
            return
        scheme, _, presented = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            presented.strip().encode(), expected
        ):
            raise _Rejected(401, "missing or wrong bearer token")

    def _body(self) -> bytes:
        limit = self.server.receiver.max_body_bytes
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
        if 0 < length <= self.server.receiver.max_body_bytes:
            self.rfile.read(length)
        self._body_read = True

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = orjson.dumps(payload)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", "Bearer")
        if status == 503:
            self.send_header("Retry-After", str(RETRY_AFTER_SECONDS))
        if status >= 400:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)


def _objects(body: bytes) -> list[dict[str, Any]]:
    """The events of a body: one object, an array of objects, or JSON Lines."""
    try:
        whole = orjson.loads(body)
    except orjson.JSONDecodeError:
        lines = [line for line in body.splitlines() if line.strip()]
        if len(lines) < 2:
            raise _Rejected(400, "body is not JSON, a JSON array or JSON Lines") from None
        objects = []
        for number, line in enumerate(lines, start=1):
            try:
                objects.append(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                raise _Rejected(400, f"JSON Lines line {number} is not JSON: {exc}") from None
    else:
        objects = whole if isinstance(whole, list) else [whole]
    for number, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            raise _Rejected(400, f"event {number} is a {type(obj).__name__}, not a JSON object")
    if not objects:
        raise _Rejected(400, "no events in the body")
    return objects


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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
