"""Alerts to a syslog collector over UDP, TCP or TLS (see :mod:`.syslog_format` for the
messages).

TCP and TLS (RFC 5425) use octet-counting framing (RFC 6587 section 3.4.1: ``LEN SP MSG``),
which carries messages with line breaks intact; the connection is opened on first use and
reopened once when a send fails. TLS always verifies the collector's certificate and name
(against ``ca_file``, or the system's trust store without one), at TLS 1.2 or later, and can
present a client certificate for collectors that require one. UDP sends one datagram per
alert; an OCSF message larger than :data:`MAX_UDP_MESSAGE` drops its evidences first
(``metadata.is_truncated``).
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.interfaces import SinkError
from stackward.detect.sinks.syslog_format import cef, ocsf_message, rfc5424
from stackward.tls import TlsSetupError, client_context

MAX_UDP_MESSAGE = 60_000
CONNECT_TIMEOUT = 10.0
ACCEPT_WAIT = 0.5
"""Seconds a new TLS session waits for the collector to refuse it (see _confirm_accepted)."""


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """How the sink speaks TLS: the CA bundle that signs the collector's certificate (the
    system's trust store when None), an optional client certificate and key, and the name
    the collector's certificate must carry (the host when None)."""

    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    server_name: str | None = None


def tls_context(settings: TlsSettings) -> ssl.SSLContext:
    """A client context that verifies the collector (see :func:`stackward.tls.client_context`);
    :class:`SinkError` naming the file when a CA, certificate or key cannot be read."""
    try:
        return client_context(settings.ca_file, settings.cert_file, settings.key_file)
    except TlsSetupError as exc:
        raise SinkError(f"syslog tls: {exc}") from None


class SyslogAlertSink:
    name = "syslog"

    def __init__(
        self,
        host: str,
        port: int,
        protocol: Literal["udp", "tcp", "tls"] = "tcp",
        message_format: Literal["rfc5424", "cef"] = "rfc5424",
        app_name: str = "stackward",
        hostname: str | None = None,
        tls: TlsSettings | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.protocol = protocol
        self.message_format = message_format
        self.app_name = app_name
        self.hostname = hostname
        self.sent = 0
        self._sock: socket.socket | None = None
        self._tls: ssl.SSLContext | None = None
        self._server_name = host
        if protocol == "tls":
            settings = tls or TlsSettings()
            self._tls = tls_context(settings)
            self._server_name = settings.server_name or host

    def message(self, alert: Alert, enrichment: Enrichment) -> str:
        """The syslog message for ``alert`` (without framing)."""
        if self.message_format == "cef":
            body = cef(alert, enrichment)
        else:
            limit = MAX_UDP_MESSAGE if self.protocol == "udp" else None
            body = ocsf_message(alert, enrichment, limit)
        return rfc5424(alert, body, self.app_name, self.hostname)

    def emit(self, alert: Alert, enrichment: Enrichment) -> None:
        data = self.message(alert, enrichment).encode("utf-8")
        where = f"syslog {self.protocol}://{self.host}:{self.port}"
        try:
            if self.protocol == "udp":
                self._send_udp(data)
            else:
                self._send_tcp(data)
        except OSError as exc:
            raise SinkError(f"{where}: cannot send alert {alert.uid}: {exc}") from None
        self.sent += 1

    def _send_udp(self, data: bytes) -> None:
        if self._sock is None:
            self._sock = socket.socket(_family(self.host), socket.SOCK_DGRAM)
        self._sock.sendto(data, (self.host, self.port))

    def _send_tcp(self, data: bytes) -> None:
        frame = str(len(data)).encode() + b" " + data
        for attempt in (1, 2):
            try:
                if self._sock is None:
                    self._sock = self._connect()
                self._sock.sendall(frame)
                return
            except OSError:
                self._drop()
                if attempt == 2:
                    raise

    def _connect(self) -> socket.socket:
        plain = socket.create_connection((self.host, self.port), timeout=CONNECT_TIMEOUT)
        if self._tls is None:
            return plain
        try:
            secured = self._tls.wrap_socket(plain, server_hostname=self._server_name)
        except OSError:
            plain.close()
            raise
        try:
            _confirm_accepted(secured)
        except OSError:
            secured.close()
            raise
        return secured

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def close(self) -> None:
        self._drop()


def _confirm_accepted(connection: ssl.SSLSocket) -> None:
    """Wait briefly for the collector to refuse the session.

    In TLS 1.3 the client's handshake ends before the server has checked the client's
    certificate: a collector that refuses it (none sent, or one it does not trust) says so
    with an alert just after, and whatever was written before that is lost. A syslog
    collector never sends data, so anything read here (the alert, or the connection closing)
    is a refusal; silence for :data:`ACCEPT_WAIT` seconds means the session stands.
    """
    connection.settimeout(ACCEPT_WAIT)
    try:
        received = connection.recv(1)
    except TimeoutError:
        return
    finally:
        connection.settimeout(CONNECT_TIMEOUT)
    if not received:
        raise ConnectionError("the collector closed the TLS session (client certificate refused?)")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
