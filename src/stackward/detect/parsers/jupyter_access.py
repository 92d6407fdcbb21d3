"""Jupyter Server (tornado) access log lines, as ``jupyter server`` logs each request:

``[W 2026-11-26 15:46:09.544 ServerApp] 403 GET /api/contents (@127.0.0.1) 3.72ms
referer=None`` — level, wall-clock time (no offset: placed in the parser's ``zone``, UTC
unless configured), application, status, method, URI (tokens already masked by Jupyter as
``[secret]``), ``(user@ip)``, duration, and for errors the referer. Successful requests are
logged at DEBUG level only, so a server must run with ``--ServerApp.log_level=DEBUG`` for
them to appear.

Fields: the shared access-log fields (:mod:`.access_log`, ``user`` is Jupyter's user name,
empty for a request that did not authenticate) plus ``level`` and ``logger``. The server's
other messages (including the warning that repeats a failed request's status and path
without a user and duration) are recognised and give no event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from stackward.detect.event import Event, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.access_log import access_line, add_request, blank_fields, one_event
from stackward.detect.parsers.decoding import sniff_head
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.timestamps import UTC, local_time

_LEVELS = "DIWEC"
_REFERER = " referer="


class JupyterAccessParser:
    name = "jupyter_access"
    logsource = LogSource("jupyter", "access", "webserver")

    def __init__(self, zone: dt.tzinfo = UTC) -> None:
        self.zone = zone

    def sniff(self, record: RawRecord) -> bool:
        head = sniff_head(record)
        return _is_jupyter(head)

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        line = access_line(record)
        if not _is_jupyter(line):
            raise ParseError("not a Jupyter Server log line")
        close = line.find("] ")
        if close < 0:
            raise ParseError("Jupyter log line without the closing bracket of its prefix")
        header = line[1:close].split(" ", 3)
        if len(header) != 4:
            raise ParseError("Jupyter log prefix is not [level date time application]")
        level, date, clock, logger = header
        fields = _request(line[close + 2 :])
        if fields is None:
            return  # one of the server's own messages: not a request
        fields["level"] = level
        fields["logger"] = logger
        time = local_time(f"{date} {clock}", self.zone)
        yield from one_event(self.name, self.logsource, time, fields, record.position)


def _is_jupyter(line: str) -> bool:
    return line[:1] == "[" and line[1:2] in _LEVELS and line[2:3] == " " and line[3:7].isdigit()


def _request(message: str) -> dict[str, object] | None:
    """Fields of ``200 GET /uri (user@ip) 1.23ms [referer=...]``, or None for other text."""
    parts = message.split(" ", 3)
    if len(parts) != 4 or len(parts[0]) != 3 or not parts[0].isdigit():
        return None
    status, method, uri, rest = parts
    rest, marked, referer = rest.partition(_REFERER)
    who, closed, duration = rest.rpartition(") ")
    if not closed or not who.startswith("(") or not duration.endswith("ms"):
        return None
    try:
        elapsed = float(duration[:-2])
    except ValueError:
        return None
    user, _, address = who[1:].rpartition("@")
    fields = blank_fields("tornado")
    fields["remote_addr"] = address or None
    fields["user"] = user or None
    add_request(fields, f"{method} {uri}")
    fields["status"] = int(status)
    fields["duration_ms"] = elapsed
    fields["referrer"] = referer if marked and referer != "None" else None
    return fields
