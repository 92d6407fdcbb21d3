"""Fixture logs as the records a source would hand the parsers."""

from __future__ import annotations

from pathlib import Path

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord

LOGS = Path(__file__).resolve().parents[1] / "data" / "logs"


def fixture_records(relative: str, format: str = "auto") -> list[RawRecord]:
    """A ``.gz`` file is one bytes record (as an S3 object), a ``.json`` file one text record
    (a whole document), any other file one text record per non-blank line."""
    path = LOGS / relative
    if path.suffix == ".gz":
        return [RawRecord(path.read_bytes(), Position(str(path), path.stat().st_size), format)]
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [RawRecord(text, Position(str(path), len(text), 1), format)]
    records = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        offset += len(line.encode())
        if line.strip():
            records.append(RawRecord(line, Position(str(path), offset, number), format))
    return records


def all_fixtures() -> list[tuple[str, str]]:
    """``(path relative to the logs directory, format directory)`` of every fixture file."""
    return sorted(
        (str(path.relative_to(LOGS)), path.parent.name)
        for path in LOGS.glob("*/*")
        if path.is_file() and path.name != "README.md"
    )
