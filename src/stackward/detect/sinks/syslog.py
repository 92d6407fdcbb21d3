"""Alerts to a syslog collector over UDP or TCP (see :mod:`.syslog_format` for the messages).

TCP uses octet-counting framing (RFC 6587 section 3.4.1: ``LEN SP MSG``), which carries
messages with line breaks intact; the connection is opened on first use and reopened once when
a send fails. UDP sends one datagram per alert; an OCSF message larger than
:data:`MAX_UDP_MESSAGE` drops its evidences first (``metadata.is_truncated``).
"""

from __future__ import annotations

import socket
from typing import Literal

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.interfaces import SinkError
from stackward.detect.sinks.syslog_format import cef, ocsf_message, rfc5424

MAX_UDP_MESSAGE = 60_000
CONNECT_TIMEOUT = 10.0


class SyslogAlertSink:
    name = "syslog"

    def __init__(
        self,
        host: str,
        port: int,
        protocol: Literal["udp", "tcp"] = "tcp",
        message_format: Literal["rfc5424", "cef"] = "rfc5424",
        app_name: str = "stackward",
        hostname: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.protocol = protocol
        self.message_format = message_format
        self.app_name = app_name
        self.hostname = hostname
        self.sent = 0
        self._sock: socket.socket | None = None

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
                    self._sock = socket.create_connection(
                        (self.host, self.port), timeout=CONNECT_TIMEOUT
                    )
                self._sock.sendall(frame)
                return
            except OSError:
                self._drop()
                if attempt == 2:
                    raise

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def close(self) -> None:
        self._drop()


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
