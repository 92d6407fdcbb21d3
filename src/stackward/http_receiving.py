"""The request handling shared by the HTTP receivers (OpenLineage events, detection events).

Both are built on the standard library's :class:`~http.server.ThreadingHTTPServer`
(:class:`ReceivingServer`, which can also speak HTTPS) and close its usual gaps the same way:
a bounded number of requests in flight (503 beyond), a socket timeout against slow clients, a bearer token compared in constant time, a body limit checked
against ``Content-Length`` before reading and again after gunzip (a gzip bomb is ``413``), no
chunked bodies (``411``), an unread body drained before an error reply so the client sees the
reply rather than a reset, and JSON replies. A receiver subclasses
:class:`JsonReceivingHandler` and supplies what differs: its token, limit, in-flight
semaphore and what it does with an accepted body.
"""

from __future__ import annotations

import hmac
import ipaddress
import ssl
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

MAX_IN_FLIGHT = 64
SOCKET_TIMEOUT_SECONDS = 30.0
MIN_TOKEN_CHARS = 16


class Rejected(Exception):
    """A request is refused with ``status``; ``message`` goes to the client as the error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class JsonReceivingHandler(BaseHTTPRequestHandler):
    """``POST`` handling with authentication, bounded body reading and JSON replies.

    Subclasses set :attr:`success_status` and :attr:`usage`, and implement the hooks
    :meth:`expected_token`, :meth:`body_limit`, :meth:`in_flight` and :meth:`accept`
    (which raises :class:`Rejected` to refuse the request).
    """

    timeout = SOCKET_TIMEOUT_SECONDS
    protocol_version = "HTTP/1.1"
    success_status = 200
    usage = "POST JSON"
    """How to use the endpoint, said in the 404 and 405 replies."""
    retry_after_seconds: int | None = None
    """When set, a 503 reply carries ``Retry-After`` with this many seconds."""

    def expected_token(self) -> bytes | None:
        """The bearer token a request must present; None when authentication is off."""
        raise NotImplementedError

    def body_limit(self) -> int:
        """The largest body accepted, in bytes, before and after decompression."""
        raise NotImplementedError

    def in_flight(self) -> threading.BoundedSemaphore:
        """The semaphore bounding the requests handled at once."""
        raise NotImplementedError

    def accept(self) -> dict[str, Any]:
        """Handle an authenticated request (its body read with :meth:`read_body`); the reply."""
        raise NotImplementedError

    def do_POST(self) -> None:
        in_flight = self.in_flight()
        if not in_flight.acquire(blocking=False):
            self.reply(503, {"error": "too many requests in flight; retry later"})
            return
        self._body_read = False
        try:
            self.reply(self.success_status, self.accept())
        except Rejected as rejected:
            self._drain()
            self.reply(rejected.status, {"error": rejected.message})
        finally:
            in_flight.release()

    def do_GET(self) -> None:
        self.reply(405, {"error": self.usage})

    def unknown_path(self) -> Rejected:
        """The 404 refusal, naming the endpoint."""
        return Rejected(404, f"unknown path; {self.usage}")

    def authenticate(self) -> None:
        """:class:`Rejected` (401) unless the request bears the expected token."""
        expected = self.expected_token()
        if expected is None:
            return
        scheme, _, presented = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            presented.strip().encode(), expected
        ):
            raise Rejected(401, "missing or wrong bearer token")

    def read_body(self) -> bytes:
        """The body, within the limit and decompressed; :class:`Rejected` otherwise."""
        limit = self.body_limit()
        if self.headers.get("Transfer-Encoding"):
            raise Rejected(411, "chunked bodies are not accepted; send Content-Length")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Rejected(411, "Content-Length is required") from None
        if length < 0 or length > limit:
            raise Rejected(413, f"body larger than {limit} bytes")
        body = self.rfile.read(length)
        self._body_read = True
        encoding = self.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding == "gzip":
            return gunzip_bounded(body, limit)
        if encoding != "identity":
            raise Rejected(415, f"Content-Encoding {encoding[:20]!r} is not supported")
        return body

    def _drain(self) -> None:
        """Read an unread body within the limit, so the client sees the reply, not a reset."""
        if self._body_read:
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return
        if 0 < length <= self.body_limit():
            self.rfile.read(length)
        self._body_read = True

    def reply(self, status: int, payload: dict[str, Any]) -> None:
        """Send ``payload`` as JSON; an error reply closes the connection."""
        data = orjson.dumps(payload)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", "Bearer")
        if status == 503 and self.retry_after_seconds is not None:
            self.send_header("Retry-After", str(self.retry_after_seconds))
        if status >= 400:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)


class ReceivingServer(ThreadingHTTPServer):
    """A threading HTTP server that can speak HTTPS.

    With a ``tls`` context the listening socket is wrapped so that accepting does not make the
    handshake: each connection's handshake happens on its first read, in its own handler
    thread, under the handler's socket timeout, so a slow or silent client holds up no other.
    A failed handshake (a plain-HTTP client, an unknown client certificate), a timeout or a
    reset connection is counted in :attr:`failed_connections` instead of printing a
    traceback; any other error is reported as the standard library does.
    """

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: Any, tls: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(address, handler)
        self.failed_connections = 0
        self._failures = threading.Lock()
        if tls is not None:
            self.socket = tls.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            with self._failures:
                self.failed_connections += 1
            return
        super().handle_error(request, client_address)


def gunzip_bounded(body: bytes, limit: int) -> bytes:
    """Decompress a gzip body, never beyond ``limit`` bytes; :class:`Rejected` otherwise."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise Rejected(400, f"body is not valid gzip: {exc}") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise Rejected(413, f"decompressed body larger than {limit} bytes")
    if not inflater.eof:
        raise Rejected(400, "gzip body is truncated")
    return data


def is_loopback(host: str) -> bool:
    """Whether ``host`` is ``localhost`` or a loopback address (brackets are not stripped)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
