"""PostgreSQL server logs: stderr lines, csvlog and jsonlog (PostgreSQL 15) into events.

Each reader turns its format into :class:`PgRecord` values in log order and hands them to one
:class:`StatementTracker`, so the three formats agree on what counts as a use.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stackward.usage.events import (
    AccessEvent,
    LogReport,
    bounded_lines,
    json_lines,
    open_text,
    parse_timestamp,
)
from stackward.usage.pg_prefix import DEFAULT_PREFIX, line_pattern
from stackward.usage.pg_records import PgRecord, StatementTracker

MAX_RECORD_CHARS = 200_000
"""A multi-line message longer than this is cut off and counted as a problem."""

CSV_COLUMNS = (
    "log_time",
    "user_name",
    "database_name",
    "process_id",
    "connection_from",
    "session_id",
    "session_line_num",
    "command_tag",
    "session_start_time",
    "virtual_transaction_id",
    "transaction_id",
    "error_severity",
    "sql_state_code",
    "message",
)
"""The leading csvlog columns, in the documented order (PostgreSQL 15 adds more after)."""
_MIN_CSV_COLUMNS = 23


def read_stderr(
    path: Path, problems: LogReport, prefix: str | None, audit_only: bool = False
) -> Iterator[AccessEvent]:
    """Lines that start with ``prefix`` begin a record; lines starting with a tab continue
    the message (a statement over several lines)."""
    pattern = line_pattern(prefix or DEFAULT_PREFIX)
    tracker = StatementTracker(str(path), problems, audit_only)
    with open_text(path) as stream:
        current: dict[str, Any] | None = None
        for number, text in bounded_lines(stream, problems):
            match = pattern.match(text)
            if match is None:
                if text.startswith("\t") and current is not None:
                    if len(current["message"]) + len(text) > MAX_RECORD_CHARS:
                        problems.add(number, "message longer than the record limit; cut")
                        continue
                    current["message"] += "\n" + text[1:]
                    continue
                if text.strip():
                    problems.add(number, "line does not start with the log_line_prefix")
                continue
            if current is not None:
                yield from _feed(tracker, current, problems)
            current = {**match.groupdict(), "line": number}
        if current is not None:
            yield from _feed(tracker, current, problems)
    yield from tracker.finish()


def _feed(
    tracker: StatementTracker, fields: dict[str, Any], problems: LogReport
) -> Iterator[AccessEvent]:
    stamp = fields.get("time") or ""
    time = parse_timestamp(stamp) if stamp else _epoch(fields.get("epoch"))
    if time is None:
        problems.add(fields["line"], f"timestamp without a known zone: {stamp[:40]!r}")
        return
    record = PgRecord(
        time=time,
        pid=str(fields.get("pid") or ""),
        user=str(fields.get("user") or ""),
        database=str(fields.get("database") or ""),
        severity=str(fields["severity"]),
        message=str(fields["message"]),
        line=int(fields["line"]),
    )
    yield from tracker.feed(record)


def _epoch(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return dt.datetime.fromtimestamp(float(value), dt.UTC)


def read_csvlog(path: Path, problems: LogReport) -> Iterator[AccessEvent]:
    """csvlog: one CSV row per record, quoted fields may span lines."""
    tracker = StatementTracker(str(path), problems, audit_only=False)
    with open_text(path) as stream:
        reader = csv.reader(stream, strict=True)
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.add(line, f"CSV record not read: {exc}")
                continue
            if len(row) < _MIN_CSV_COLUMNS:
                problems.add(line, f"{len(row)} columns, csvlog has at least {_MIN_CSV_COLUMNS}")
                continue
            fields = dict(zip(CSV_COLUMNS, row, strict=False))
            time = parse_timestamp(fields["log_time"])
            if time is None:
                problems.add(line, f"timestamp not read: {fields['log_time'][:40]!r}")
                continue
            yield from tracker.feed(
                PgRecord(
                    time=time,
                    pid=fields["process_id"],
                    user=fields["user_name"],
                    database=fields["database_name"],
                    severity=fields["error_severity"],
                    message=fields["message"],
                    line=line,
                )
            )
    yield from tracker.finish()


def read_jsonlog(path: Path, problems: LogReport) -> Iterator[AccessEvent]:
    """jsonlog (PostgreSQL 15+): one JSON object per line."""
    tracker = StatementTracker(str(path), problems, audit_only=False)
    for number, entry in json_lines(path, problems, "a JSON object"):
        record = _json_record(entry, number)
        if record is None:
            problems.add(number, "jsonlog record without timestamp, pid or severity")
            continue
        yield from tracker.feed(record)
    yield from tracker.finish()


def _json_record(entry: object, number: int) -> PgRecord | None:
    if not isinstance(entry, dict):
        return None
    time = parse_timestamp(str(entry.get("timestamp", "")))
    severity = entry.get("error_severity")
    if time is None or not isinstance(severity, str) or "pid" not in entry:
        return None
    return PgRecord(
        time=time,
        pid=str(entry["pid"]),
        user=str(entry.get("user") or ""),
        database=str(entry.get("dbname") or ""),
        severity=severity,
        message=str(entry.get("message") or ""),
        line=number,
    )
