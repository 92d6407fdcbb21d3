"""Bounded reads of scanned files. Readers go through here, never through ``open`` alone.

A file larger than the configured parse limit is not read whole: the caller gets a
:class:`Skipped` saying so and inventories the file without its content.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stackward.collectors.sniff import open_regular
from stackward.collectors.walk import FileEntry
from stackward.model import Skipped

COLLECTOR = "files"


@dataclass(slots=True)
class Reading:
    """What a content reader learned about one file."""

    properties: dict[str, object] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    """Literal paths found in the content, resolved to scanned files later."""

    def skip(self, entry: FileEntry, reason: str) -> None:
        self.skipped.append(Skipped(entry.rel, reason, COLLECTOR))


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def read_bytes(entry: FileEntry, limit: int, reading: Reading) -> bytes | None:
    """The whole file if it fits under ``limit``; otherwise ``None`` and a Skipped."""
    if entry.size > limit:
        reading.skip(
            entry,
            f"content not read: {human_size(entry.size)} exceeds the parse limit of"
            f" {human_size(limit)} (sources.max_parse_mb); inventoried without content",
        )
        reading.properties["content_read"] = False
        return None
    try:
        with open_regular(entry.path) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        reading.skip(entry, f"cannot read file: {exc.strerror or exc}")
        reading.properties["content_read"] = False
        return None
    if len(data) > limit:
        reading.skip(entry, "content not read: file grew past the parse limit while reading")
        reading.properties["content_read"] = False
        return None
    return data


def read_text(entry: FileEntry, limit: int, reading: Reading) -> str | None:
    """Like :func:`read_bytes`, decoded as UTF-8 with invalid bytes replaced."""
    data = read_bytes(entry, limit, reading)
    if data is None:
        return None
    text = data.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        reading.properties["invalid_utf8"] = True
    return text


def read_head(entry: FileEntry, size: int, reading: Reading) -> bytes | None:
    """At most ``size`` leading bytes, for readers that only sample a file."""
    try:
        with open_regular(entry.path) as handle:
            return handle.read(size)
    except OSError as exc:
        reading.skip(entry, f"cannot read file: {exc.strerror or exc}")
        return None


def read_range(entry: FileEntry, offset: int, length: int, reading: Reading) -> bytes | None:
    """``length`` bytes from ``offset`` (for footers and trailers), or ``None`` and a Skipped."""
    try:
        with open_regular(entry.path) as handle:
            handle.seek(offset)
            data = handle.read(length)
    except (OSError, ValueError) as exc:
        reading.skip(entry, f"cannot read file: {exc}")
        return None
    if len(data) != length:
        reading.skip(entry, "file is shorter than its size said; it changed while being read")
        return None
    return data
