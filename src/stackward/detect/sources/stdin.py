"""Records on standard input, one per line.

``Position.offset`` is the number of bytes read after the line. A pipe cannot be rewound, so
there is no resume of a live stream: after a restart the input must be given again from its
beginning (``zcat logs.gz | stackward detect -``), and the bytes up to the checkpointed offset
are then read past without being processed — exactly-once holds for such a replay of the same
input. A line longer than the cap is skipped and counted.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import BinaryIO

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord
from stackward.detect.sources.base import ProblemLog, decode
from stackward.detect.sources.file import CHUNK_BYTES, MAX_LINE_BYTES

STDIN_ID = "stdin"


class StdinLogSource:
    """Implements :class:`~stackward.detect.interfaces.Source` over a byte stream."""

    def __init__(
        self,
        stream: BinaryIO | None = None,
        format: str = "auto",
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        self.id = STDIN_ID
        self.format = format
        self.max_line_bytes = max_line_bytes
        self.problems = ProblemLog()
        self._stream = stream
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def read(self, start: int = 0, follow: bool = False) -> Iterator[RawRecord]:
        """Lines to the end of the stream (``follow`` changes nothing: a pipe ends when its
        writer closes it); lines before byte ``start`` are read past."""
        stream = self._stream if self._stream is not None else sys.stdin.buffer
        offset = 0
        number = 0
        while not self._stopped.is_set():
            line = stream.readline(self.max_line_bytes + 1)
            if not line:
                return
            number += 1
            offset += len(line)
            if len(line) > self.max_line_bytes and not line.endswith(b"\n"):
                offset += _skip_rest(stream)
                if offset > start:
                    self.problems.add("line longer than the cap skipped", f"stdin:{number}")
                continue
            if offset <= start:
                continue
            text = line.rstrip(b"\r\n")
            if text.strip():
                yield RawRecord(decode(text), Position(self.id, offset, number), self.format)


def _skip_rest(stream: BinaryIO) -> int:
    """Read past the rest of an oversized line; the bytes skipped."""
    skipped = 0
    while True:
        rest = stream.readline(CHUNK_BYTES)
        skipped += len(rest)
        if not rest or rest.endswith(b"\n"):
            return skipped
