"""Decoding text items: the encoding of a head of bytes, then bounded lines of text.

Text formats (CSV, JSONL, plain text) read through :class:`LineReader`, which holds one
block of text at a time (plus at most a few pieces of a line still going on), never reads
past the byte limit, cuts over-long lines into pieces, and counts the lines whose bytes did
not decode (replaced, reported, not fatal).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count

from stackward.artifacts.source import ByteSource

HEAD_BYTES = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UNDECODED = re.compile("[\udc80-\udcff]")
_MAX_CONTROL_RATIO = 0.1
_SHOWN_LINES = 5
_BLOCK_BYTES = 4 * 1024 * 1024
"""Bytes decoded and split into lines at a time."""
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x1B)) + b"\x1c\x1d\x1e\x1f\x7f"
"""Bytes that make text look binary: C0 controls but tab, line and page breaks and escape."""
_ASCII_OTHER_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e")
_OTHER_BREAKS = (*_ASCII_OTHER_BREAKS, "\x85", "\u2028", "\u2029")
"""Characters :meth:`str.splitlines` breaks on that :mod:`io` does not."""
_LINE = re.compile("[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
"""A line with its end, for text that holds any of the other breaks."""


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
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if b"\x00" in head or controls > _MAX_CONTROL_RATIO * len(head):
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

    Line ends are kept and recognised as :mod:`io` does with ``newline=''`` (``\\n``,
    ``\\r\\n`` or a lone ``\\r``), as :mod:`csv` wants. A line longer than
    ``max_line_chars`` comes out in pieces that share its line number. Bytes that do not
    decode become U+FFFD and the line is counted in :attr:`bad_lines`.

    The bytes are decoded in blocks and each block is split into lines by C code
    (:meth:`str.splitlines` when the block holds none of the other characters it breaks on),
    so most lines cost no Python work of their own; :meth:`batches` hands them on a block
    at a time. Only an incomplete last line is carried from one block to the next.
    """

    def __init__(self, source: ByteSource, limit: int, encoding: str, max_line_chars: int):
        self._source = source
        self._limit = max(0, min(limit, source.size))
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
        self._max_line_chars = max(1, max_line_chars)
        self.bad_lines = 0
        self.first_bad_lines: list[int] = []
        self.line = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for pieces, numbers, first in self.batches():
            yield from zip(numbers if numbers is not None else count(first), pieces, strict=False)

    def batches(self) -> Iterator[tuple[list[str], list[int] | None, int]]:
        """``(pieces, numbers, first)`` per block of text: the line pieces in order and the
        line number of each (``numbers``), or None when piece ``i`` is simply on line
        ``first + i`` (no line of the block was cut or held undecodable bytes)."""
        offset = 0
        carry = ""
        number = 1
        final = False
        while not final:
            wanted = min(_BLOCK_BYTES, self._limit - offset)
            block = self._source.read_at(offset, wanted) if wanted > 0 else b""
            offset += len(block)
            final = not block or offset >= self._limit
            text = self._decoder.decode(block, final)
            if carry:
                text = carry + text
            if not text:
                continue
            lines = _split_lines(text)
            carry = "" if final or lines[-1].endswith("\n") else lines.pop()
            if not lines:
                pass
            elif max(map(len, lines)) <= self._max_line_chars and not _has_undecoded(text):
                self.line = number + len(lines) - 1
                yield lines, None, number
                number += len(lines)
            else:
                pieces, numbers, number = self._cut(lines, number)
                yield pieces, numbers, numbers[0]
            if len(carry) > 2 * self._max_line_chars:
                # A line longer than a few pieces is still going on: hand on its whole pieces
                # now, so a huge line is never held (or copied block after block) in full.
                # Its last character stays, as it may be the CR of a CR LF.
                done = (len(carry) - 1) // self._max_line_chars * self._max_line_chars
                pieces, numbers, _ = self._cut([carry[:done]], number)
                carry = carry[done:]
                yield pieces, numbers, number

    def _cut(self, lines: list[str], number: int) -> tuple[list[str], list[int], int]:
        """Pieces of at most ``max_line_chars`` and their line numbers, undecodable bytes
        replaced and counted; the number of the line after the last."""
        size = self._max_line_chars
        pieces: list[str] = []
        numbers: list[int] = []
        for line in lines:
            parts = (
                [line]
                if len(line) <= size
                else [line[at : at + size] for at in range(0, len(line), size)]
            )
            for part in parts:
                if part == "\n" and pieces and pieces[-1].endswith("\r"):
                    pieces.append(part)  # the rest of a CR LF cut by the piece size
                    numbers.append(number)
                    continue
                if _UNDECODED.search(part):
                    part = _UNDECODED.sub("\ufffd", part)
                    self._count_bad(number)
                pieces.append(part)
                numbers.append(number)
                self.line = number
            number += 1
        return pieces, numbers, number

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


def _split_lines(text: str) -> list[str]:
    """Lines with their ends, broken only at ``\\n``, ``\\r\\n`` and ``\\r``."""
    others = _ASCII_OTHER_BREAKS if text.isascii() else _OTHER_BREAKS
    if any(other in text for other in others):
        return _LINE.findall(text)
    return text.splitlines(keepends=True)


def _has_undecoded(text: str) -> bool:
    """Whether ``text`` holds an escaped undecodable byte; a surrogate-free text (checked
    by encoding it, much faster than a search) holds none."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _UNDECODED.search(text) is not None
    return False


def count_lines_problem(what: str, count: int, first_lines: list[int]) -> str:
    """``3 invalid JSON lines (lines 4, 9, 12)``."""
    shown = ", ".join(str(line) for line in first_lines[:_SHOWN_LINES])
    more = ", ..." if count > len(first_lines[:_SHOWN_LINES]) else ""
    return f"{count} {what} (lines {shown}{more})"


def read_lines(lines: LineReader) -> tuple[list[str], list[int] | None]:
    """All the pieces of ``lines`` and their line numbers, or None when piece ``i`` is on
    line ``i + 1`` (the common case, where no numbers list is built)."""
    pieces: list[str] = []
    numbers: list[int] | None = None
    for batch, batch_numbers, first in lines.batches():
        if batch_numbers is not None and numbers is None:
            numbers = list(range(1, len(pieces) + 1))
        if numbers is not None:
            numbers.extend(
                batch_numbers if batch_numbers is not None else range(first, first + len(batch))
            )
        pieces.extend(batch)
    return pieces, numbers
