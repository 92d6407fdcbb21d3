"""Decoding text items: the encoding of a head of bytes, then bounded lines of text.

Text formats (CSV, JSONL, plain text) read through :class:`LineReader`, which never holds
more than one line in memory, never reads past the byte limit, cuts over-long lines into
pieces, and counts the lines whose bytes did not decode (replaced, reported, not fatal).
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from stackward.artifacts.source import ByteSource, SliceSource, buffered

HEAD_BYTES = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_UNDECODED = re.compile("[\udc80-\udcff]")
_MAX_CONTROL_RATIO = 0.1
_SHOWN_LINES = 5


@dataclass(frozen=True, slots=True)
class Decoding:
    """How an item's bytes become text. ``encoding`` is None for binary content."""

    encoding: str | None
    note: str | None = None
    """Why the text is not plain UTF-8 (reported as a problem by the reader)."""

    @property
    def binary(self) -> bool:
        return self.encoding is None


def detect_encoding(head: bytes, complete: bool) -> Decoding:
    """BOM, then strict UTF-8, then ``charset_normalizer``'s best guess, else binary.

    ``complete`` says ``head`` is the whole item (otherwise a multi-byte character may be
    cut at its end, which is not an error).
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return Decoding(encoding)
    if b"\x00" in head or len(_CONTROL.findall(head)) > _MAX_CONTROL_RATIO * len(head):
        return Decoding(None)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return Decoding("utf-8")
    except UnicodeDecodeError as exc:
        first_bad_line = head.count(b"\n", 0, exc.start) + 1
    guess = _guess_legacy_encoding(head)
    if guess is None:
        return Decoding(None)
    return Decoding(guess, f"not valid UTF-8 (first at line {first_bad_line}); read as {guess}")


def _guess_legacy_encoding(head: bytes) -> str | None:
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - optional dependency
        return "latin-1"
    best = charset_normalizer.from_bytes(head).best()
    return None if best is None else str(best.encoding)


def read_head(source: ByteSource, length: int = HEAD_BYTES) -> bytes:
    return source.read_at(0, min(length, source.size))


class LineReader:
    """Lines of the first ``limit`` bytes of ``source``, decoded, with 1-based line numbers.

    Line ends are kept (``newline=''``, as :mod:`csv` wants). A line longer than
    ``max_line_chars`` comes out in pieces that share its line number. Bytes that do not
    decode become U+FFFD and the line is counted in :attr:`bad_lines`.
    """

    def __init__(self, source: ByteSource, limit: int, encoding: str, max_line_chars: int):
        self._stream = io.TextIOWrapper(
            buffered(SliceSource(source, 0, limit, source.name)),
            encoding=encoding,
            errors="surrogateescape",
            newline="",
        )
        self._max_line_chars = max(1, max_line_chars)
        self.bad_lines = 0
        self.first_bad_lines: list[int] = []
        self.line = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        number = 1
        after_cr = False
        while True:
            piece = self._stream.readline(self._max_line_chars)
            if not piece:
                return
            if after_cr and piece == "\n":  # the rest of a CR LF cut by the piece size
                after_cr = False
                yield number - 1, piece
                continue
            after_cr = piece.endswith("\r")
            if _UNDECODED.search(piece):
                piece = _UNDECODED.sub("\ufffd", piece)
                self._count_bad(number)
            self.line = number
            yield number, piece
            if piece.endswith(("\n", "\r")):
                number += 1

    def _count_bad(self, number: int) -> None:
        if self.first_bad_lines and self.first_bad_lines[-1] == number:
            return
        self.bad_lines += 1
        if len(self.first_bad_lines) < _SHOWN_LINES:
            self.first_bad_lines.append(number)

    def bad_lines_problem(self, encoding: str) -> str | None:
        if not self.bad_lines:
            return None
        what = f"lines with bytes invalid in {encoding}, replaced"
        return count_lines_problem(what, self.bad_lines, self.first_bad_lines)


def count_lines_problem(what: str, count: int, first_lines: list[int]) -> str:
    """``3 invalid JSON lines (lines 4, 9, 12)``."""
    shown = ", ".join(str(line) for line in first_lines[:_SHOWN_LINES])
    more = ", ..." if count > len(first_lines[:_SHOWN_LINES]) else ""
    return f"{count} {what} (lines {shown}{more})"
