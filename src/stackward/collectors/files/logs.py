"""Inventories log files from a bounded sample: line-count estimate and a format guess."""

from __future__ import annotations

import json
import re

from stackward.collectors.files.content import Reading, read_head
from stackward.collectors.walk import FileEntry

SAMPLE_BYTES = 256 * 1024
_SYSLOG = re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ")
_CLF = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] "[A-Z]+ ')
_ISO_TS = re.compile(r"^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d")
_LOGFMT = re.compile(r"^(?:\w+=(?:\"[^\"]*\"|\S+)\s*){3,}$")


def guess_format(lines: list[str]) -> str:
    """The format most sampled lines share: json, access log, syslog, logfmt or text."""
    votes: dict[str, int] = {}
    for line in lines[:200]:
        fmt = _line_format(line)
        votes[fmt] = votes.get(fmt, 0) + 1
    return max(votes, key=lambda f: votes[f]) if votes else "empty"


def _line_format(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):
            return "text"
        return "json"
    if _CLF.match(stripped):
        return "access log"
    if _SYSLOG.match(stripped):
        return "syslog"
    if _LOGFMT.match(stripped):
        return "logfmt"
    if _ISO_TS.match(stripped):
        return "timestamped text"
    return "text"


def read_log(entry: FileEntry, limit: int) -> Reading:
    reading = Reading()
    head = read_head(entry, min(SAMPLE_BYTES, limit), reading)
    if head is None:
        return reading
    complete = len(head) >= entry.size
    lines = [ln for ln in head.decode("utf-8", errors="replace").splitlines() if ln.strip()]
    if not complete and lines:
        lines = lines[:-1]
    estimate = len(lines) if complete or not head else round(len(lines) * entry.size / len(head))
    reading.properties.update(
        {
            "line_estimate": estimate,
            "line_count_exact": complete,
            "log_format": "binary" if b"\x00" in head else guess_format(lines),
        }
    )
    return reading
