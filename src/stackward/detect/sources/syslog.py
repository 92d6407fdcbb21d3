"""A syslog receiver over UDP, TCP or TLS (RFC 5424 and RFC 3164 messages).

TCP frames are octet-counted (``LEN SP MSG``, RFC 6587 3.4.1) or newline-terminated (3.4.2),
recognised per connection from its first byte. TLS (RFC 5425) is TCP with each connection's
handshake made in its own thread (a slow or silent peer holds up no other), with the
receiver's certificate and key, TLS 1.2 or later; with a client CA, senders must present a
certificate it signed. A failed handshake is counted as a problem naming the peer. A message
longer than ``max_message_bytes`` is counted as a problem and skipped (over TCP its bytes are
read past, the connection goes on); a datagram that does not parse as syslog is counted and
dropped.

Each message becomes a :class:`~stackward.detect.interfaces.RawRecord` whose ``data`` is the
MSG part and whose ``meta`` holds facility, severity, timestamp, hostname, app-name, procid,
msgid and structured data. ``Position.offset`` is a sequence number continuing from the
checkpointed one. A network peer cannot replay what it sent, so without a spool a receiver
is at-most-once across a crash: messages received but not yet processed when the process dies
are lost (TCP acknowledged them). With a :class:`~stackward.detect.sources.spool.ReceiverSpool`
messages are written there as they arrive and read back from it (the offset is then the spool
offset), so a restart reads them again. Queue (or spool) full: TCP connections stop being read
(the senders' windows fill up), UDP datagrams are dropped and counted in ``dropped``.
"""

from __future__ import annotations

import datetime as dt
import queue
import socket
import ssl
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord, SourceError
from stackward.detect.sources.base import ProblemLog, receiver_context
from stackward.detect.sources.spool import ReceiverSpool
from stackward.detect.sources.syslog_message import SyslogFormatError, parse_syslog
from stackward.tls import ReceiverTls, reason

MAX_CONNECTIONS = 256
TIMEOUT_SECONDS = 0.5
"""How often blocked socket calls wake up to see whether the receiver was stopped."""
MAX_LENGTH_DIGITS = 9
HANDSHAKE_SECONDS = 10.0


class SyslogReceiver:
    """Implements :class:`~stackward.detect.interfaces.Source` for one bound address."""

    def __init__(
        self,
        protocol: str,
        host: str,
        port: int,
        format: str = "auto",
        max_message_bytes: int = 64 * 1024,
        max_queue: int = 10_000,
        spool: ReceiverSpool | None = None,
        tls: ReceiverTls | None = None,
    ) -> None:
        if protocol not in ("udp", "tcp", "tls"):
            raise ValueError(f"syslog protocol must be udp, tcp or tls, not {protocol!r}")
        if (protocol == "tls") != (tls is not None):
            raise ValueError("syslog over tls needs its certificate and key, and only tls does")
        self.protocol = protocol
        self.host = host
        self.port = port
        self.id = f"syslog-{protocol}:{host}:{port}"
        self.format = format
        self.max_message_bytes = max_message_bytes
        self.problems = ProblemLog()
        self.dropped = 0
        self.address: tuple[str, int] | None = None
        """The bound address once :meth:`read` started (the real port when 0 was asked)."""
        self.ready = threading.Event()
        self.spool = spool
        """When set, messages are written here as they arrive and read back from it, so a
        restart reads again what was received but not processed."""
        self._queue: queue.Queue[RawRecord] = queue.Queue(maxsize=max_queue)
        self._stopped = threading.Event()
        self._sequence = 0
        self._lock = threading.Lock()
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._tls = receiver_context(self.id, tls)

    def stop(self) -> None:
        self._stopped.set()

    def read(self, start: int = 0, follow: bool = True) -> Iterator[RawRecord]:
        """Receive until :meth:`stop`; a receiver always follows."""
        self._sequence = start
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        kind = socket.SOCK_DGRAM if self.protocol == "udp" else socket.SOCK_STREAM
        server = socket.socket(family, kind)
        try:
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind((self.host.strip("[]"), self.port))
            if kind == socket.SOCK_STREAM:
                server.listen(64)
        except OSError as exc:
            server.close()
            raise SourceError(f"{self.id}: cannot listen: {exc.strerror or exc}") from None
        server.settimeout(TIMEOUT_SECONDS)
        self.address = server.getsockname()[:2]
        serve = self._serve_udp if kind == socket.SOCK_DGRAM else self._serve_tcp
        thread = threading.Thread(target=serve, args=(server,), daemon=True, name=self.id)
        thread.start()
        self.ready.set()
        try:
            if self.spool is not None:
                for offset, entry in self.spool.entries(start, self._stopped):
                    yield self._spooled(entry, offset)
                return
            while not self._stopped.is_set() or not self._queue.empty():
                try:
                    yield self._queue.get(timeout=TIMEOUT_SECONDS)
                except queue.Empty:
                    continue
        finally:
            self._stopped.set()
            thread.join(timeout=5)
            server.close()

    # -- receiving -------------------------------------------------------------------------

    def _serve_udp(self, server: socket.socket) -> None:
        while not self._stopped.is_set():
            try:
                data, peer = server.recvfrom(self.max_message_bytes + 1)
            except TimeoutError:
                continue
            except OSError:
                return
            where = f"{self.id} from {peer[0]}"
            if len(data) > self.max_message_bytes:
                self.problems.add("message longer than the cap skipped", where)
                continue
            record = self._record(data, where)
            if record is not None and not self._enqueue(record, wait=False):
                with self._lock:
                    self.dropped += 1

    def _serve_tcp(self, server: socket.socket) -> None:
        while not self._stopped.is_set():
            try:
                connection, peer = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._connections.acquire(blocking=False):
                self.problems.add("connection refused: too many open", f"{self.id} from {peer[0]}")
                connection.close()
                continue
            threading.Thread(
                target=self._serve_connection, args=(connection, peer[0]), daemon=True
            ).start()

    def _serve_connection(self, connection: socket.socket, peer: str) -> None:
        where = f"{self.id} from {peer}"
        try:
            if self._tls is not None:
                connection = self._handshake(self._tls, connection, where)
            connection.settimeout(TIMEOUT_SECONDS)
            for frame in _frames(connection, self.max_message_bytes, self._stopped):
                if frame is None:
                    self.problems.add("message longer than the cap skipped", where)
                    continue
                record = self._record(frame, where)
                while record is not None and not self._stopped.is_set():
                    if self._enqueue(record, wait=True):
                        break
        except _FramingError as exc:
            self.problems.add("bad TCP framing, connection closed", where, str(exc))
        except OSError:
            pass
        finally:
            connection.close()
            self._connections.release()

    def _handshake(
        self, context: ssl.SSLContext, connection: socket.socket, where: str
    ) -> socket.socket:
        """The TLS session over ``connection``; a failed handshake is a problem (and the
        OSError that closes the connection)."""
        connection.settimeout(HANDSHAKE_SECONDS)
        try:
            return context.wrap_socket(connection, server_side=True)
        except OSError as exc:  # ssl.SSLError included
            self.problems.add("TLS handshake failed, connection closed", where, reason(exc))
            raise

    def committed(self, offsets: Mapping[str, int]) -> None:
        """A checkpoint holds ``offsets``: spooled messages before ours can go."""
        if self.spool is not None and self.id in offsets:
            self.spool.release(offsets[self.id])

    def _enqueue(self, record: RawRecord, wait: bool) -> bool:
        """Spool or queue one record; False when full (after a short wait when ``wait``)."""
        if self.spool is not None:
            if self.spool.append([{"data": record.data, "meta": record.meta}], sync=False):
                return True
            if wait:
                self._stopped.wait(TIMEOUT_SECONDS)
            return False
        try:
            self._queue.put(record, block=wait, timeout=TIMEOUT_SECONDS if wait else None)
        except queue.Full:
            return False
        return True

    def _spooled(self, entry: Mapping[str, Any], offset: int) -> RawRecord:
        return RawRecord(
            data=str(entry["data"]),
            position=Position(self.id, offset),
            format=self.format,
            received=dt.datetime.now(dt.UTC),
            meta=entry["meta"],
        )

    def _record(self, data: bytes, where: str) -> RawRecord | None:
        try:
            message = parse_syslog(data)
        except SyslogFormatError as exc:
            self.problems.add("not a syslog message", where, str(exc))
            return None
        with self._lock:
            self._sequence += 1
            sequence = self._sequence
        return RawRecord(
            data=message.message,
            position=Position(self.id, sequence, sequence),
            format=self.format,
            received=dt.datetime.now(dt.UTC),
            meta=message.meta(),
        )


class _FramingError(ValueError):
    pass


def _frames(
    connection: socket.socket, cap: int, stopped: threading.Event
) -> Iterator[bytes | None]:
    """Messages from one TCP stream; ``None`` for one over ``cap`` (its bytes read past)."""
    buffer = bytearray()
    octet_counted: bool | None = None
    skipping = 0
    """Bytes still to discard of an oversized octet-counted frame."""
    discarding_line = False
    while not stopped.is_set():
        try:
            chunk = connection.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            if buffer and not octet_counted and not discarding_line:
                yield bytes(buffer)
            return
        buffer += chunk
        if octet_counted is None:
            octet_counted = buffer[:1].isdigit()
        if skipping:
            dropped = min(skipping, len(buffer))
            del buffer[:dropped]
            skipping -= dropped
        while buffer and not skipping:
            if octet_counted:
                space = buffer.find(b" ", 0, MAX_LENGTH_DIGITS + 1)
                if space < 0:
                    if len(buffer) > MAX_LENGTH_DIGITS or not buffer.isdigit():
                        raise _FramingError("octet count is not a number")
                    break
                if not buffer[:space].isdigit():
                    raise _FramingError("octet count is not a number")
                length = int(buffer[:space])
                if length > cap:
                    del buffer[: space + 1]
                    dropped = min(length, len(buffer))
                    del buffer[:dropped]
                    skipping = length - dropped
                    yield None
                    continue
                if len(buffer) < space + 1 + length:
                    break
                frame = bytes(buffer[space + 1 : space + 1 + length])
                del buffer[: space + 1 + length]
                yield frame
            else:
                newline = buffer.find(b"\n")
                if newline < 0:
                    if len(buffer) > cap:
                        buffer.clear()
                        if not discarding_line:
                            yield None
                        discarding_line = True
                    break
                frame = bytes(buffer[:newline])
                del buffer[: newline + 1]
                if discarding_line:
                    discarding_line = False
                    continue
                if len(frame) > cap:
                    yield None
                elif frame.strip():
                    yield frame
