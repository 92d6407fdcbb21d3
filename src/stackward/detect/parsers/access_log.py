"""What the web-server access-log parsers share: the parsed request and its annotations.

Every access-log event has these fields (absent values are ``None``): ``remote_addr``,
``user``, ``method``, ``path``, ``query``, ``protocol``, ``request`` (the request line as
logged), ``status`` (int), ``bytes`` (int), ``referrer``, ``user_agent``, ``duration_ms``
(float), ``server`` (the software that wrote the line) — plus what each format adds.
Annotations: ``source_ip``, ``actor`` (the logged user), ``action`` (``GET /api/...``),
``target`` (the path) and ``status``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from stackward.detect.event import Event, LogSource, Position
from stackward.detect.interfaces import ParseError, RawRecord
from stackward.detect.parsers.decoding import record_text

ACCESS_FIELDS = (
    "remote_addr",
    "user",
    "method",
    "path",
    "query",
    "protocol",
    "request",
    "status",
    "bytes",
    "referrer",
    "user_agent",
    "duration_ms",
    "server",
)


def blank_fields(server: str) -> dict[str, Any]:
    fields: dict[str, Any] = dict.fromkeys(ACCESS_FIELDS)
    fields["server"] = server
    return fields


def add_request(fields: dict[str, Any], line: str) -> None:
    """``method``, ``path``, ``query`` and ``protocol`` from a request line
    (``GET /api/2.0/mlflow/runs/get?run_id=1 HTTP/1.1``); an unusual line keeps the whole
    text as the path."""
    fields["request"] = line
    parts = line.split(" ")
    if len(parts) == 3 or len(parts) == 2:
        fields["method"] = parts[0]
        target = parts[1]
        fields["protocol"] = parts[2] if len(parts) == 3 else None
    else:
        target = line
    path, mark, query = target.partition("?")
    fields["path"] = path
    fields["query"] = query if mark else None


def add_logged_request(fields: dict[str, Any], match: re.Match[str]) -> None:
    """The fields of a Common/Combined-style line from a match with the groups ``remote``,
    ``request``, ``status``, ``bytes``, ``referrer`` and ``agent`` (the last two optional)."""
    fields["remote_addr"] = match["remote"]
    add_request(fields, match["request"])
    fields["status"] = int(match["status"])
    fields["bytes"] = number(match["bytes"], "bytes")
    fields["referrer"] = optional(match["referrer"])
    fields["user_agent"] = optional(match["agent"])


def optional(value: str | None) -> str | None:
    """Access logs write ``-`` (or nothing) for an absent value."""
    return None if value in (None, "", "-") else value


def number(value: str | None, field: str) -> int | None:
    value = optional(value)
    if value is None:
        return None
    if not value.isdigit():
        raise ParseError(f"{field}: not a number: {value[:20]!r}")
    return int(value)


def access_annotations(fields: Mapping[str, Any]) -> dict[str, Any]:
    notes: dict[str, Any] = {}
    if fields.get("remote_addr"):
        notes["source_ip"] = fields["remote_addr"]
    if fields.get("user"):
        notes["actor"] = fields["user"]
    if fields.get("path") is not None:
        notes["target"] = fields["path"]
        notes["action"] = f"{fields.get('method') or '-'} {fields['path']}"
    if fields.get("status") is not None:
        notes["status"] = fields["status"]
    return notes


def access_line(record: RawRecord) -> str:
    """The record as one line of text (a trailing newline dropped)."""
    return record_text(record).rstrip("\r\n")


def one_event(
    parser_name: str,
    logsource: LogSource,
    time: dt.datetime,
    fields: dict[str, Any],
    position: Position,
) -> Iterator[Event]:
    yield Event(time, logsource, parser_name, fields, position, access_annotations(fields))
