"""Log files matching a glob, read line by line from a byte offset, optionally followed.

Each file is its own record stream: ``Position.source`` is ``<resolved path>:inode=<n>`` and
``Position.offset`` the byte offset after the line (for a gzip file, read whole, the number of
lines done). A restart resumes each file by its inode, so a file renamed by rotation since the
checkpoint is still resumed where it was left.

With ``follow`` the files are polled for appended data and the glob for new files:

- rotation by rename (the path now names another inode, or the glob no longer matches the old
  one): the old file is read on until it has not grown for ``rotation_grace_seconds``, then
  closed; the new file is read from 0;
- copy-truncate (the file is now shorter than the offset): reading restarts at 0;
- a last line without its newline is held back until it is completed (emitted at the end of
  the file in batch mode).

A line longer than ``max_line_bytes`` is skipped up to its newline and counted as a problem.
Files are opened read-only; nothing is written to them.
"""

from __future__ import annotations

import glob
import gzip
import os
import re
import threading
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord
from stackward.detect.sources.base import ProblemLog, decode

MAX_LINE_BYTES = 1024 * 1024
CHUNK_BYTES = 64 * 1024
POLL_SECONDS = 0.5
ROTATION_GRACE_SECONDS = 5.0
"""How long a file rotated away is still read after it last grew (a writer may not have
reopened its log yet)."""
MAX_FOLLOWED = 1000
"""Files followed (kept open) at once; a batch run opens one file at a time."""
MAX_FINISHED = 100_000
"""Inodes remembered as read to the end (rotated away), so they are not read again."""
_KEY = re.compile(r"^(?P<path>.*):inode=(?P<inode>\d+)$")
_GZIP_MAGIC = b"\x1f\x8b"
_new_tuple = tuple.__new__


def file_key(path: str, inode: int) -> str:
    """The ``Position.source`` of one file."""
    return f"{path}:inode={inode}"


@dataclass(slots=True)
class _OpenFile:
    key: str
    handle: BinaryIO
    inode: int
    offset: int
    line: int = 0
    buffer: bytearray = field(default_factory=bytearray)
    skipping: bool = False
    """Inside a line longer than the cap: dropping bytes until its newline."""


class FileLogSource:
    """Implements :class:`~stackward.detect.interfaces.Source` over a glob of files."""

    def __init__(
        self,
        pattern: str,
        format: str = "auto",
        max_line_bytes: int = MAX_LINE_BYTES,
        poll_seconds: float = POLL_SECONDS,
        rotation_grace_seconds: float = ROTATION_GRACE_SECONDS,
    ) -> None:
        self.pattern = str(Path(pattern).expanduser())
        self.id = f"file:{self.pattern}"
        self.format = format
        self.max_line_bytes = max_line_bytes
        self.poll_seconds = poll_seconds
        self.rotation_grace_seconds = rotation_grace_seconds
        self.problems = ProblemLog()
        self._resume: dict[int, int] = {}
        self._stopped = threading.Event()

    def resume(self, offsets: Mapping[str, int]) -> None:
        """Take the checkpointed offsets of every file (keys of other sources are ignored)."""
        for key, offset in offsets.items():
            match = _KEY.match(key)
            if match:
                self._resume[int(match["inode"])] = int(offset)

    def stop(self) -> None:
        self._stopped.set()

    def read(self, start: int = 0, follow: bool = False) -> Iterator[RawRecord]:
        """Records of every matching file; ``start`` is unused (offsets come via
        :meth:`resume`, one per file)."""
        open_files: dict[int, _OpenFile] = {}
        rotated: dict[int, tuple[_OpenFile, float]] = {}
        """Files rotated away, still read until idle for the grace period."""
        finished: dict[int, None] = {}
        try:
            while not self._stopped.is_set():
                current = self._matching()
                for inode in [i for i in open_files if i not in current]:
                    rotated[inode] = (open_files.pop(inode), time.monotonic())
                for inode, (opened, since) in list(rotated.items()):
                    before = opened.offset + len(opened.buffer)
                    idle = time.monotonic() - since >= self.rotation_grace_seconds
                    yield from self._drain(opened, at_end=idle or not follow)
                    if idle or not follow:
                        del rotated[inode]
                        finished[inode] = None
                    elif opened.offset + len(opened.buffer) != before:
                        rotated[inode] = (opened, time.monotonic())
                for inode, path in current.items():
                    if inode in open_files or inode in finished or inode in rotated:
                        continue
                    if _is_gzip(path):
                        yield from self._read_gzip(path, inode)
                        finished[inode] = None
                        continue
                    if follow and len(open_files) >= MAX_FOLLOWED:
                        self.problems.add("file not followed: too many open", path)
                        finished[inode] = None
                        continue
                    new_file = self._open(path, inode)
                    if new_file is None:
                        continue
                    if follow:
                        open_files[inode] = new_file
                    else:
                        yield from self._drain(new_file, at_end=True)
                for live in list(open_files.values()):
                    yield from self._drain(live, at_end=not follow)
                while len(finished) > MAX_FINISHED:
                    del finished[next(iter(finished))]
                if not follow:
                    if not current:
                        self.problems.add("no file matches", self.pattern)
                    return
                self._stopped.wait(self.poll_seconds)
        finally:
            for opened in [*open_files.values(), *(pair[0] for pair in rotated.values())]:
                opened.handle.close()

    def _matching(self) -> dict[int, str]:
        """Inode → resolved path of the regular files the glob matches, in path order."""
        found: dict[int, str] = {}
        # glob.glob, not Path.glob: the pattern may have wildcards in any part, root included
        for name in sorted(glob.glob(self.pattern)):  # noqa: PTH207
            path = Path(name)
            try:
                status = path.stat()
            except OSError:
                continue
            if path.is_file():
                found.setdefault(status.st_ino, str(path.resolve()))
        return found

    def _open(self, path: str, inode: int) -> _OpenFile | None:
        try:
            handle = Path(path).open("rb")  # noqa: SIM115 - kept open while followed
        except OSError as exc:
            self.problems.add("unreadable file", path, exc.strerror or str(exc))
            return None
        offset = self._resume.pop(inode, 0)
        if os.fstat(handle.fileno()).st_size < offset:
            offset = 0
        handle.seek(offset)
        return _OpenFile(key=file_key(path, inode), handle=handle, inode=inode, offset=offset)

    def _drain(self, opened: _OpenFile, at_end: bool) -> Iterator[RawRecord]:
        """Lines appended since the last poll; with ``at_end`` also an unfinished last line."""
        size = os.fstat(opened.handle.fileno()).st_size
        if size < opened.offset + len(opened.buffer):
            opened.handle.seek(0)
            opened.offset, opened.line, opened.skipping = 0, 0, False
            opened.buffer.clear()
        while not self._stopped.is_set() or at_end:
            chunk = opened.handle.read(CHUNK_BYTES)
            if not chunk:
                break
            yield from self._lines(opened, chunk)
        if at_end and (opened.buffer or opened.skipping):
            yield from self._finish_line(opened, bytes(opened.buffer), len(opened.buffer))
            opened.buffer.clear()
        if at_end:
            opened.handle.close()

    def _lines(self, opened: _OpenFile, chunk: bytes) -> Iterator[RawRecord]:
        pieces = chunk.split(b"\n")
        rest = pieces.pop()  # after the chunk's last newline: the start of a later line
        if pieces and (opened.buffer or opened.skipping):
            # the first piece ends a line begun in an earlier chunk
            piece = pieces[0]
            consumed = len(opened.buffer) + len(piece) + 1
            text = bytes(opened.buffer) + piece if opened.buffer else piece
            opened.buffer.clear()
            pieces = pieces[1:]
            yield from self._finish_line(opened, text, consumed)
        cap, key, format = self.max_line_bytes, opened.key, self.format
        offset, line = opened.offset, opened.line
        try:
            for piece in pieces:
                # the common case, inline: a whole line within this chunk
                size = len(piece)
                if size > cap:
                    opened.offset, opened.line = offset, line
                    yield from self._finish_line(opened, piece, size + 1)
                    offset, line = opened.offset, opened.line
                    continue
                offset += size + 1
                line += 1
                if piece[-1:] == b"\r":
                    piece = piece[:-1]
                if piece and not piece.isspace():
                    # RawRecord(text, Position(key, offset, line), format), built without the
                    # named tuples' Python-level __new__ (two calls per line on the hot path)
                    where = _new_tuple(Position, (key, offset, line, 0))
                    decoded = piece.decode("utf-8", "replace")
                    yield _new_tuple(RawRecord, (decoded, where, format, None, None))
        finally:
            opened.offset, opened.line = offset, line
        opened.buffer += rest
        if len(opened.buffer) > self.max_line_bytes:
            opened.offset += len(opened.buffer)
            opened.buffer.clear()
            opened.skipping = True

    def _finish_line(self, opened: _OpenFile, text: bytes, consumed: int) -> Iterator[RawRecord]:
        opened.offset += consumed
        opened.line += 1
        if opened.skipping or len(text) > self.max_line_bytes:
            opened.skipping = False
            self.problems.add(
                "line longer than the cap skipped",
                f"{opened.key}:{opened.line}",
                f"over {self.max_line_bytes} bytes",
            )
            return
        if text.endswith(b"\r"):
            text = text[:-1]
        if not text.strip():
            return
        where = Position(opened.key, opened.offset, opened.line)
        yield RawRecord(decode(text), where, self.format)

    def _read_gzip(self, path: str, inode: int) -> Iterator[RawRecord]:
        """A compressed file, read whole once; ``offset`` counts the lines done."""
        key = file_key(path, inode)
        done = self._resume.pop(inode, 0)
        number = 0
        try:
            with gzip.open(path, "rb") as handle:
                for number, raw in enumerate(_bounded_lines(handle, self.max_line_bytes), 1):
                    if self._stopped.is_set():
                        return
                    if number <= done:
                        continue
                    if raw is None:
                        self.problems.add("line longer than the cap skipped", f"{key}:{number}")
                        continue
                    text = raw.rstrip(b"\r\n")
                    if text.strip():
                        yield RawRecord(decode(text), Position(key, number, number), self.format)
        except (OSError, EOFError, zlib.error) as exc:
            self.problems.add("unreadable gzip file", f"{key}:{number}", str(exc)[:200])


def _bounded_lines(handle: BinaryIO | gzip.GzipFile, cap: int) -> Iterator[bytes | None]:
    """Lines of ``handle``; ``None`` for one longer than ``cap`` (read past, not kept)."""
    while True:
        line = handle.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(b"\n"):
            while True:
                rest = handle.readline(CHUNK_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
        else:
            yield line


def _is_gzip(path: str) -> bool:
    try:
        with Path(path).open("rb") as handle:
            return handle.read(2) == _GZIP_MAGIC
    except OSError:
        return False
