"""Syslog messages as RFC 5424 and RFC 3164 describe them, parsed without trusting them.

No maintained library parses both forms with the care a receiver needs (bounded, total,
reporting rather than raising on a relay's quirks), so this module does, following the RFCs'
ABNF and tested with their examples:

- RFC 5424: ``<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`` with
  ``-`` for a nil value, structured data ``[id name="value" ...]`` (escapes ``\\"``, ``\\\\``,
  ``\\]``) and an optional UTF-8 BOM before the message.
- RFC 3164: ``<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG``. As section 4.3 asks of a relay,
  a message whose header does not parse keeps its whole text as MSG, and one without a PRI
  gets the default ``<13>`` (user.notice).

A PRI outside 0..191 or an RFC 5424 header that breaks the grammar raises
:class:`SyslogFormatError` naming what was wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

NIL = "-"
DEFAULT_PRI = 13
_PRI = re.compile(rb"^<(\d{1,3})>")
_BSD_HEADER = re.compile(
    r"^(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?P<day>[ \d]\d) "
    r"(?P<time>\d\d:\d\d:\d\d) (?P<host>\S+) (?P<rest>.*)$",
    re.DOTALL,
)
_BSD_TAG = re.compile(
    r"^(?P<tag>[^\s\[\]:]{1,48})(?:\[(?P<pid>[^\]\s]{1,128})\])?: ?(?P<msg>.*)$", re.DOTALL
)
"""A TAG is recognised only when a colon ends it (``su:``, ``sshd[42]:``); otherwise the text
after the hostname is all MSG, as in RFC 3164's ``Use the BFG!`` example."""
_BOM = "\ufeff"


class SyslogFormatError(ValueError):
    """A message that is not syslog; the text says which part is wrong."""


@dataclass(frozen=True, slots=True)
class SyslogMessage:
    """The parts of one message (``None`` where the message had the nil value)."""

    facility: int
    severity: int
    message: str
    protocol: str
    """``rfc5424`` or ``rfc3164``."""
    timestamp: str | None = None
    hostname: str | None = None
    app_name: str | None = None
    procid: str | None = None
    msgid: str | None = None
    structured_data: dict[str, dict[str, str]] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        """The transport details a :class:`~stackward.detect.interfaces.RawRecord` carries."""
        return {
            "protocol": self.protocol,
            "facility": self.facility,
            "severity": self.severity,
            "timestamp": self.timestamp,
            "hostname": self.hostname,
            "app_name": self.app_name,
            "procid": self.procid,
            "msgid": self.msgid,
            "structured_data": self.structured_data,
        }


def parse_syslog(data: bytes) -> SyslogMessage:
    """One message (framing already removed); see the module docstring."""
    data = data.rstrip(b"\r\n\x00")
    match = _PRI.match(data)
    if match is None:
        return _parse_3164(DEFAULT_PRI, data.decode("utf-8", errors="replace"))
    pri = int(match[1])
    if pri > 191 or (len(match[1]) > 1 and match[1].startswith(b"0")):
        raise SyslogFormatError(f"PRI {match[1].decode()!r} is not 0..191")
    rest = data[match.end() :]
    if rest.startswith(b"1 "):
        return _parse_5424(pri, rest[2:])
    return _parse_3164(pri, rest.decode("utf-8", errors="replace"))


def _parse_5424(pri: int, rest: bytes) -> SyslogMessage:
    parts = rest.split(b" ", 5)
    if len(parts) < 6:
        raise SyslogFormatError("RFC 5424 header is incomplete")
    timestamp, hostname, app_name, procid, msgid = (_field(p) for p in parts[:5])
    if timestamp is not None:
        try:
            dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError:
            raise SyslogFormatError(f"RFC 5424 TIMESTAMP {timestamp[:40]!r} is not valid") from None
    for name, value, limit in (
        ("HOSTNAME", hostname, 255),
        ("APP-NAME", app_name, 48),
        ("PROCID", procid, 128),
        ("MSGID", msgid, 32),
    ):
        if value is not None and len(value) > limit:
            raise SyslogFormatError(f"RFC 5424 {name} longer than {limit} characters")
    text = parts[5].decode("utf-8", errors="replace")
    structured, message = _structured_data(text)
    return SyslogMessage(
        facility=pri // 8,
        severity=pri % 8,
        message=message.removeprefix(_BOM),
        protocol="rfc5424",
        timestamp=timestamp,
        hostname=hostname,
        app_name=app_name,
        procid=procid,
        msgid=msgid,
        structured_data=structured,
    )


def _field(raw: bytes) -> str | None:
    text = raw.decode("utf-8", errors="replace")
    if not text:
        raise SyslogFormatError("RFC 5424 header has an empty field")
    return None if text == NIL else text


def _structured_data(text: str) -> tuple[dict[str, dict[str, str]], str]:
    """Structured data at the start of ``text`` and the message after it."""
    if text == NIL or text.startswith(NIL + " "):
        return {}, text[2:]
    if not text.startswith("["):
        raise SyslogFormatError("RFC 5424 STRUCTURED-DATA must be '-' or start with '['")
    elements: dict[str, dict[str, str]] = {}
    position = 0
    while position < len(text) and text[position] == "[":
        position = _element(text, position + 1, elements)
    if position < len(text) and text[position] != " ":
        raise SyslogFormatError("RFC 5424 STRUCTURED-DATA is not followed by a space")
    return elements, text[position + 1 :]


def _element(text: str, position: int, into: dict[str, dict[str, str]]) -> int:
    """Parse one ``[id name="value"...]`` from after its ``[``; the position after ``]``."""
    end = position
    while end < len(text) and text[end] not in ' ]="':
        end += 1
    sd_id = text[position:end]
    if not sd_id or len(sd_id) > 32:
        raise SyslogFormatError("RFC 5424 SD-ID is empty or longer than 32 characters")
    params: dict[str, str] = {}
    position = end
    while position < len(text) and text[position] == " ":
        equals = text.find('="', position + 1)
        if equals < 0:
            raise SyslogFormatError(f"RFC 5424 SD-PARAM in [{sd_id}] has no value")
        name = text[position + 1 : equals]
        value, position = _quoted(text, equals + 2)
        params[name] = value
    if position >= len(text) or text[position] != "]":
        raise SyslogFormatError(f"RFC 5424 SD-ELEMENT [{sd_id}] is not closed")
    into[sd_id] = params
    return position + 1


def _quoted(text: str, position: int) -> tuple[str, int]:
    """A PARAM-VALUE from after its opening quote: the value and the position after the
    closing quote."""
    value: list[str] = []
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text) and text[position + 1] in '"\\]':
            value.append(text[position + 1])
            position += 2
        elif char == '"':
            return "".join(value), position + 1
        else:
            value.append(char)
            position += 1
    raise SyslogFormatError("RFC 5424 PARAM-VALUE is not closed")


def _parse_3164(pri: int, rest: str) -> SyslogMessage:
    header = _BSD_HEADER.match(rest)
    if header is None:
        return SyslogMessage(pri // 8, pri % 8, rest, "rfc3164")
    tag = _BSD_TAG.match(header["rest"])
    app_name = tag["tag"] if tag else None
    return SyslogMessage(
        facility=pri // 8,
        severity=pri % 8,
        message=tag["msg"] if tag else header["rest"],
        protocol="rfc3164",
        timestamp=f"{header['month']} {header['day']} {header['time']}",
        hostname=header["host"],
        app_name=app_name,
        procid=tag["pid"] if tag else None,
    )
