"""What every access-log parser yields, and the bounded reading they share.

A parser turns one log file into :class:`AccessEvent` values, one at a time, and counts each
line it could not use in a :class:`LogReport`; a bad line is never an exception. Lines are
read with a length cap so one huge line cannot fill memory.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

Action = Literal["read", "write", "admin"]

MAX_LINE_BYTES = 1024 * 1024
"""A longer line is counted as a problem and skipped (a statement or record that big is not
an access someone typed)."""
MAX_LINES = 50_000_000
"""Lines read from one file at most; the rest of the file is reported, not read."""
EXAMPLES = 5
"""Bad lines quoted (by number) per file; the rest are only counted."""


@dataclass(frozen=True, slots=True)
class AccessEvent:
    """One use of data: who did what to which object, and where the log says so.

    ``target`` is a ``dataset_key``-style URI (``s3://bucket/key``, ``pg:schema.table`` within
    the log's store) or a Kubernetes object id; ``operation`` is the native verb
    (``SELECT``, ``GetObject``, ``get secrets``, ``create pods/exec``).
    """

    time: dt.datetime
    principal: str
    action: Action
    target: str
    operation: str
    log: str
    line: int


@dataclass(slots=True)
class LogReport:
    """What reading one log file found besides events: bad lines (a count and the first few,
    with their line numbers) and the earliest record time, from which the log covers its
    assets whether or not the first records were uses."""

    log: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    earliest: dt.datetime | None = None

    def saw(self, time: dt.datetime) -> None:
        if self.earliest is None or time < self.earliest:
            self.earliest = time

    def add(self, line: int, problem: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(f"line {line}: {problem}"[:300])

    def summary(self) -> str:
        more = f" (first {len(self.examples)}: {'; '.join(self.examples)})"
        return f"{self.count} line(s) not used{more}"


def open_text(path: Path) -> IO[str]:
    """The file as text, decompressed when it is gzip (by its magic bytes, not its name)."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return path.open("r", encoding="utf-8", errors="replace", newline="")


def bounded_lines(stream: IO[str], problems: LogReport) -> Iterator[tuple[int, str]]:
    """``(line number, text without the newline)``; overlong lines are counted and skipped."""
    number = 0
    while number < MAX_LINES:
        text = stream.readline(MAX_LINE_BYTES)
        if not text:
            return
        number += 1
        if not text.endswith("\n") and len(text) >= MAX_LINE_BYTES:
            while True:  # drain the rest of the overlong line, a chunk at a time
                rest = stream.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith("\n"):
                    break
            problems.add(number, f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        yield number, text.rstrip("\r\n")
    if stream.readline(1):
        problems.add(number, f"file has more than {MAX_LINES} lines; the rest was not read")


_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d{1,9})?)\s*(\S*)$")
_ZONE = re.compile(r"^(?:UTC|GMT|UCT|Z|([+-])(\d\d):?(\d\d)?)$")


def parse_timestamp(text: str) -> dt.datetime | None:
    """A log timestamp as an aware UTC datetime, or None when it cannot be placed in time.

    Accepts ISO-8601 (``2026-11-26T12:00:00.5Z``, ``+01:00``) and PostgreSQL's ``2026-11-26
    12:00:00.123 UTC`` or ``+01``. A zone abbreviation other than UTC/GMT, or no zone, is not
    guessed: None.
    """
    match = _STAMP.match(text.strip())
    if match is None:
        return None
    zone = _ZONE.match(match.group(2))
    if zone is None:
        return None
    stamp = match.group(1).replace("T", " ")
    if "." in stamp:
        whole, fraction = stamp.split(".")
        stamp = f"{whole}.{fraction[:6].ljust(6, '0')}"
    try:
        naive = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    offset = dt.timedelta()
    if zone.group(1):
        offset = dt.timedelta(hours=int(zone.group(2)), minutes=int(zone.group(3) or 0))
        offset = -offset if zone.group(1) == "-" else offset
    return naive.replace(tzinfo=dt.timezone(offset)).astimezone(dt.UTC)


def json_lines(path: Path, problems: LogReport, what: str) -> Iterator[tuple[int, object]]:
    """``(line number, decoded value)`` of a JSON Lines file; blank lines are skipped and a
    line that is not JSON is counted as ``not <what> (truncated or malformed)``."""
    with open_text(path) as stream:
        for number, text in bounded_lines(stream, problems):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except (json.JSONDecodeError, RecursionError):
                problems.add(number, f"not {what} (truncated or malformed)")
