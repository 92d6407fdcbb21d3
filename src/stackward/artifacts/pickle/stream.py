"""Bounded sequential reads of a pickle stream and the parsing of its text arguments."""

from __future__ import annotations

import io

from stackward.artifacts.source import ByteSource, buffered

MAX_LINE = 1 << 20
"""Longest text line (protocol 0 argument) read; a longer one is malformed."""


class StreamStop(Exception):
    """The stream cannot be read further; ``kind`` says why (malformed, limit)."""

    def __init__(self, message: str, offset: int, kind: str = "malformed") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.kind = kind


class OpcodeReader:
    """Sequential reads with every length checked against the real size first.

    The position is tracked here rather than asked of the stream: ``tell()`` on a buffered
    reader over a Python raw stream costs more than the read itself.
    """

    def __init__(self, source: ByteSource, start: int) -> None:
        self.size = source.size
        self.pos = start
        self._stream = buffered(source, start)
        self.raw_read = self._stream.read
        """Unchecked read for the opcode loop, which keeps :attr:`pos` itself."""

    def seek(self, offset: int) -> None:
        self._stream.seek(offset, io.SEEK_SET)
        self.pos = offset

    def byte(self) -> int:
        data = self._stream.read(1)
        if not data:
            raise StreamStop("data ends before STOP", self.pos)
        self.pos += 1
        return data[0]

    def take(self, count: int) -> bytes:
        if count < 0 or self.pos + count > self.size:
            raise StreamStop(f"length {count} runs past the end of the data", self.pos)
        data = self._stream.read(count)
        self.pos += len(data)
        if len(data) != count:
            raise StreamStop("data ends early", self.pos)
        return data

    def skip(self, count: int) -> None:
        if count < 0 or self.pos + count > self.size:
            raise StreamStop(f"length {count} runs past the end of the data", self.pos)
        self.seek(self.pos + count)

    def long_line(self, keep: int) -> tuple[bytes, int]:
        """A text argument of any length: its first ``keep`` bytes and its full length."""
        head = b""
        length = 0
        while True:
            data = self._stream.readline(MAX_LINE)
            self.pos += len(data)
            length += len(data)
            if len(head) < keep:
                head += data[: keep - len(head) + 1]
            if data.endswith(b"\n"):
                return (head[:-1] if length == len(head) else head[:keep]), length - 1
            if not data:
                raise StreamStop("text argument not terminated by a newline", self.pos)

    def line(self) -> bytes:
        data = self._stream.readline(MAX_LINE)
        self.pos += len(data)
        if not data.endswith(b"\n"):
            raise StreamStop("text argument not terminated by a newline", self.pos)
        return data[:-1]


def decimal_arg(text: bytes, offset: int) -> int:
    try:
        return int(text.rstrip(b"L") or b"x", 10)
    except ValueError:
        raise StreamStop("bad decimal argument", offset) from None


def quoted_arg(text: bytes, offset: int) -> bytes:
    if len(text) >= 2 and text[0] == text[-1] and text[:1] in (b"'", b'"'):
        try:
            return (
                bytes(text[1:-1].decode("ascii"), "latin-1")
                .decode("unicode_escape")
                .encode("latin-1")
            )
        except (UnicodeError, ValueError):
            raise StreamStop("bad escape in STRING argument", offset) from None
    raise StreamStop("STRING argument is not quoted", offset)
