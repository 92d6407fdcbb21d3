"""MLflow tracking server access logs, as the servers MLflow runs under write them.

Two line shapes are read (both captured from a real ``mlflow server``):

- uvicorn (MLflow 3's default): ``2026/11/26 15:43:16 INFO:     127.0.0.1:41446 - "GET
  /api/2.0/mlflow/... HTTP/1.1" 200 OK``. MLflow prefixes the wall-clock time (no offset:
  placed in the parser's ``zone``, UTC unless configured); a leading ISO-8601 time with an
  offset (``docker logs --timestamps``) is read too. A line with no time at all (bare
  uvicorn) is a ParseError: event time cannot be guessed.
- gunicorn (``--gunicorn-opts "--access-logfile -"``), Common/Combined Log Format:
  ``127.0.0.1 - - [26/Nov/2026:15:43:17 +0000] "GET /health HTTP/1.1" 200 2 "-" "ua"``.

Fields: the shared access-log fields (:mod:`.access_log`) plus ``remote_port`` and
``reason`` (uvicorn) and ``ident`` (gunicorn). Waitress (MLflow on Windows) writes no
access log. The servers' own messages (startup, shutdown, worker signals) are recognised
and give no event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from stackward.detect.event import Event, LogSource
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.access_log import (
    access_line,
    add_logged_request,
    add_request,
    blank_fields,
    one_event,
    optional,
)
from stackward.detect.parsers.decoding import sniff_head
from stackward.detect.parsers.guard import guarded
from stackward.detect.parsers.timestamps import UTC, clf_time, iso_time, local_time

_LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "TRACE"})
_UVICORN = re.compile(
    r"(?:(?P<stamp>\d{4}[/-]\d\d[/-]\d\d[ T][\d:.,]+(?P<zone>Z|[+-]\d\d:?\d\d)?) )?"
    r"(?P<level>[A-Z]+):\s+(?P<client>\S+) - \"(?P<request>.*)\" (?P<status>\d{3})"
    r"(?: (?P<reason>.*))?"
)
_COMBINED = re.compile(
    r"(?P<remote>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<time>[^\]]+)\] "
    r"\"(?P<request>.*?)\" (?P<status>\d{3}) (?P<bytes>\d+|-)"
    r"(?: \"(?P<referrer>.*?)\" \"(?P<agent>.*)\")?"
)


class MlflowAccessParser:
    name = "mlflow_access"
    logsource = LogSource("mlflow", "access", "webserver")

    def __init__(self, zone: dt.tzinfo = UTC) -> None:
        self.zone = zone

    def sniff(self, record: RawRecord) -> bool:
        head = sniff_head(record)[:512]
        return _is_combined(head) or _is_uvicorn(head) or _is_gunicorn_message(head)

    def parse(self, record: RawRecord) -> Iterator[Event]:
        return guarded(self.name, self._events(record))

    def _events(self, record: RawRecord) -> Iterator[Event]:
        line = access_line(record)
        if _is_combined(line):
            yield from self._combined(line, record)
        elif _is_uvicorn(line):
            yield from self._uvicorn(line, record)
        elif not _is_gunicorn_message(line):
            raise ParseError("not a gunicorn or uvicorn access log line")

    def _combined(self, line: str, record: RawRecord) -> Iterator[Event]:
        match = _COMBINED.match(line)
        if match is None:
            raise ParseError("not a Common/Combined Log Format line")
        fields = blank_fields("gunicorn")
        add_logged_request(fields, match)
        fields["ident"] = optional(match["ident"])
        fields["user"] = optional(match["user"])
        time = clf_time(match["time"])
        yield from one_event(self.name, self.logsource, time, fields, record.position)

    def _uvicorn(self, line: str, record: RawRecord) -> Iterator[Event]:
        match = _UVICORN.fullmatch(line)
        if match is None:
            return  # uvicorn's own message (startup, shutdown): not a request
        if match["stamp"] is None:
            raise ParseError("uvicorn access line without a time (run with a time prefix)")
        stamp = match["stamp"]
        if match["zone"]:
            time = iso_time(stamp.replace(" ", "T", 1), "time")
        else:
            time = local_time(stamp, self.zone)
        fields = blank_fields("uvicorn")
        host, colon, port = match["client"].rpartition(":")
        fields["remote_addr"] = host if colon and port.isdigit() else match["client"]
        fields["remote_port"] = int(port) if colon and port.isdigit() else None
        add_request(fields, match["request"])
        fields["status"] = int(match["status"])
        fields["reason"] = match["reason"]
        yield from one_event(self.name, self.logsource, time, fields, record.position)


def _is_combined(line: str) -> bool:
    parts = line.split(" ", 4)
    return len(parts) == 5 and parts[3][:1] == "[" and parts[4][5:8] == '] "'


def _is_uvicorn(line: str) -> bool:
    colon = line.find(":  ", 0, 64)
    return colon > 0 and line[:colon].rpartition(" ")[2] in _LEVELS


def _is_gunicorn_message(line: str) -> bool:
    """gunicorn's error-log lines: ``[2026-11-26 15:43:28 +0000] [22943] [INFO] ...``."""
    return line[:1] == "[" and line[1:5].isdigit() and "] [" in line[:40]
