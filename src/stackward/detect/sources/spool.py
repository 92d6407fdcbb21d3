"""A receiver's spool: what a network receiver accepted, on disk before it is acknowledged,
so that records accepted but not processed when the process dies are read again on restart.

Segments ``<name>.<n>.jsonl`` in the spool directory, one JSON object per line (``data``,
``meta``, ``received``). A record's offset is ``n << 40 | byte offset after its line``: one
integer a checkpoint can hold, growing across segments. A new segment starts once the current
one passes ``segment_bytes``; segments wholly before the checkpointed offset are deleted when
the pipeline reports a checkpoint (:meth:`ReceiverSpool.release`) and when a receiver starts.

Writes reach the operating system at once (they survive the process being killed); they are
fsynced at once when the caller asks (the HTTP receiver, before its 202), otherwise at most
``sync_seconds`` later (syslog, which cannot acknowledge anyway). The spool holds at most
``max_bytes``; beyond that the receiver refuses (HTTP 503) or drops (syslog, counted).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import orjson

SEGMENT_SHIFT = 40
SEGMENT_BYTES = 64 * 2**20
MAX_BYTES = 1 * 2**30
SYNC_SECONDS = 1.0
WAIT_SECONDS = 0.2


def spool_offset(segment: int, byte_offset: int) -> int:
    return segment << SEGMENT_SHIFT | byte_offset


class ReceiverSpool:
    """Segmented append-only JSON Lines; see the module docstring."""

    def __init__(
        self,
        directory: Path,
        name: str,
        segment_bytes: int = SEGMENT_BYTES,
        max_bytes: int = MAX_BYTES,
        sync_seconds: float = SYNC_SECONDS,
    ) -> None:
        self.directory = directory
        self.name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        self.segment_bytes = segment_bytes
        self.max_bytes = max_bytes
        self.sync_seconds = sync_seconds
        self.corrupt = 0
        """Lines that did not read back as JSON (skipped)."""
        self._written = threading.Condition()
        self._pattern = re.compile(re.escape(self.name) + r"\.(\d{6})\.jsonl$")
        directory.mkdir(parents=True, exist_ok=True)
        segments = self._segments()
        self._segment = segments[-1] if segments else 0
        _cut_torn_line(self._path(self._segment))
        self._bytes = sum(self._path(n).stat().st_size for n in segments)
        self._synced = time.monotonic()

    def _path(self, segment: int) -> Path:
        return self.directory / f"{self.name}.{segment:06d}.jsonl"

    def _segments(self) -> list[int]:
        found = (self._pattern.match(p.name) for p in self.directory.iterdir())
        return sorted(int(match[1]) for match in found if match)

    def size(self) -> int:
        """Bytes spooled and not yet released."""
        return self._bytes

    def append(self, entries: Sequence[Mapping[str, Any]], sync: bool) -> bool:
        """Write entries (all or none); False when the spool is full."""
        data = b"".join(orjson.dumps(entry) + b"\n" for entry in entries)
        with self._written:
            if self._bytes + len(data) > self.max_bytes:
                return False
            path = self._path(self._segment)
            if path.exists() and path.stat().st_size > self.segment_bytes:
                self._segment += 1
                path = self._path(self._segment)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                if sync or time.monotonic() - self._synced >= self.sync_seconds:
                    os.fsync(fd)
                    self._synced = time.monotonic()
            finally:
                os.close(fd)
            self._bytes += len(data)
            self._written.notify_all()
        return True

    def release(self, offset: int) -> None:
        """Delete the segments wholly before ``offset`` (processed and checkpointed)."""
        keep_from = offset >> SEGMENT_SHIFT
        with self._written:
            for segment in self._segments():
                if segment < min(keep_from, self._segment):
                    path = self._path(segment)
                    self._bytes -= path.stat().st_size
                    path.unlink()

    def entries(self, start: int, stopped: threading.Event) -> Iterator[tuple[int, dict[str, Any]]]:
        """Entries after ``start`` with the offset after each, waiting for more until
        ``stopped`` is set and everything written was read."""
        self.release(start)
        segment, position = start >> SEGMENT_SHIFT, start & ((1 << SEGMENT_SHIFT) - 1)
        handle: BinaryIO | None = None
        try:
            while True:
                if handle is None:
                    path = self._path(segment)
                    if not path.exists():
                        later = [n for n in self._segments() if n > segment]
                        if later:
                            segment, position = later[0], 0
                            continue
                        if stopped.is_set():
                            return
                        self._wait()
                        continue
                    handle = path.open("rb")
                    handle.seek(position)
                line = handle.readline()
                if line.endswith(b"\n"):
                    position += len(line)
                    try:
                        entry = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        self.corrupt += 1
                        continue
                    yield spool_offset(segment, position), entry
                    continue
                handle.seek(position)
                if segment < self._segment:
                    handle.close()
                    handle, segment, position = None, segment + 1, 0
                elif stopped.is_set():
                    return
                else:
                    self._wait()
        finally:
            if handle is not None:
                handle.close()

    def _wait(self) -> None:
        with self._written:
            self._written.wait(WAIT_SECONDS)

    def close(self) -> None:
        """Flush what was written to the disk."""
        with self._written:
            path = self._path(self._segment)
            if path.exists():
                with path.open("rb") as handle:
                    os.fsync(handle.fileno())


def _cut_torn_line(path: Path) -> None:
    """Drop a last line the process was killed while writing, so appends start clean."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)
            os.fsync(handle.fileno())
