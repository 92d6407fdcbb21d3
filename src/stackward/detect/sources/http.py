"""An HTTP receiver for JSON events: ``POST /api/v1/events``.

The body is one JSON object, a JSON array of objects, or JSON Lines (one object per line),
optionally ``Content-Encoding: gzip``. A request is taken whole or not at all: a malformed
body gets ``400`` naming the problem (the line, for JSON Lines) and nothing is queued; when
the queue has no room for all its events the answer is ``503`` with ``Retry-After`` (the
sender retries: back-pressure, no silent drop); otherwise ``202`` with the count accepted.

It shares the OpenLineage receiver's request handling (:mod:`stackward.http_receiving`): a bearer
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
import socket
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord, SourceError
from stackward.detect.sources.base import receiver_context
from stackward.detect.sources.spool import ReceiverSpool
from stackward.http_receiving import (
    MAX_IN_FLIGHT,
    MIN_TOKEN_CHARS,
    JsonReceivingHandler,
    ReceivingServer,
    Rejected,
    is_loopback,
)
from stackward.tls import ReceiverTls

ENDPOINT = "/api/v1/events"
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
        tls: ReceiverTls | None = None,
    ) -> None:
        if not token:
            if not insecure_no_auth:
                raise SourceError(
                    f"http receiver {host}:{port}: no token; set the token variable, or pass "
                    "--insecure-no-auth (loopback only)"
                )
            if not is_loopback(host.strip("[]")):
                raise SourceError("--insecure-no-auth is only allowed on a loopback address")
        elif len(token) < MIN_TOKEN_CHARS:
            raise SourceError(f"the receiver token is shorter than {MIN_TOKEN_CHARS} characters")
        self.host = host
        self.port = port
        self.id = f"{'https' if tls else 'http'}:{host}:{port}"
        self.tls = receiver_context(self.id, tls)
        """The server context when the receiver speaks HTTPS."""
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
        self._server: _Server | None = None
        self._sequence = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    @property
    def failed_connections(self) -> int:
        """Connections that failed before a request was read (a failed TLS handshake, a
        reset, a timeout)."""
        return 0 if self._server is None else self._server.failed_connections

    def read(self, start: int = 0, follow: bool = True) -> Iterator[RawRecord]:
        """Serve until :meth:`stop`, yielding accepted events in arrival order."""
        self._sequence = start
        try:
            server = self._server = _Server((self.host.strip("[]"), self.port), self)
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


class _Server(ReceivingServer):
    def __init__(self, address: tuple[str, int], receiver: HttpReceiver) -> None:
        self.receiver = receiver
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler, receiver.tls)


class _Handler(JsonReceivingHandler):
    server: _Server
    success_status = 202
    usage = f"POST JSON events to {ENDPOINT}"
    retry_after_seconds = RETRY_AFTER_SECONDS

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged to stderr (bodies and tokens never are)."""

    def expected_token(self) -> bytes | None:
        return self.server.receiver.token

    def body_limit(self) -> int:
        return self.server.receiver.max_body_bytes

    def in_flight(self) -> threading.BoundedSemaphore:
        return self.server.receiver.in_flight

    def accept(self) -> dict[str, Any]:
        if self.path.split("?", 1)[0].rstrip("/") != ENDPOINT:
            raise self.unknown_path()
        self.authenticate()
        objects = _objects(self.read_body())
        if not self.server.receiver.accept(objects, self.client_address[0]):
            raise Rejected(503, "the event queue is full; retry later")
        return {"accepted": len(objects)}


def _objects(body: bytes) -> list[dict[str, Any]]:
    """The events of a body: one object, an array of objects, or JSON Lines."""
    try:
        whole = orjson.loads(body)
    except orjson.JSONDecodeError:
        lines = [line for line in body.splitlines() if line.strip()]
        if len(lines) < 2:
            raise Rejected(400, "body is not JSON, a JSON array or JSON Lines") from None
        objects = []
        for number, line in enumerate(lines, start=1):
            try:
                objects.append(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                raise Rejected(400, f"JSON Lines line {number} is not JSON: {exc}") from None
    else:
        objects = whole if isinstance(whole, list) else [whole]
    for number, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            raise Rejected(400, f"event {number} is a {type(obj).__name__}, not a JSON object")
    if not objects:
        raise Rejected(400, "no events in the body")
    return objects
