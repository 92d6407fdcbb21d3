from __future__ import annotations

import codecs
import io
import re

import pytest

from stackward.artifacts.source import BytesSource
from stackward.dspm.readers.formats import lines as lines_module
from stackward.dspm.readers.formats.lines import LineReader, detect_encoding, read_lines


@pytest.mark.parametrize(
    ("head", "complete", "encoding"),
    [
        (codecs.BOM_UTF8 + b"x", True, "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "x".encode("utf-16-le"), True, "utf-16"),
        (codecs.BOM_UTF32_LE + "x".encode("utf-32-le"), True, "utf-32"),
        ("caf\u00e9".encode()[:-1], False, "utf-8"),
        (b"plain", True, "utf-8"),
        (b"a\x00b", True, None),
        (bytes(range(1, 32)) * 10, True, None),
    ],
    ids=[
        "utf8-bom",
        "utf16-bom",
        "utf32-bom",
        "cut-multibyte-in-head",
        "ascii",
        "nul",
        "control-bytes",
    ],
)
def test_detect_encoding(head: bytes, complete: bool, encoding: str | None) -> None:
    decoding = detect_encoding(head, complete)
    assert decoding.encoding == encoding
    assert decoding.note is None


def test_cut_multibyte_at_the_end_of_a_complete_item_is_invalid() -> None:
    decoding = detect_encoding("caf\u00e9 ok\n".encode() + b"\xc3", complete=True)
    assert decoding.note is not None and decoding.note.startswith(
        "not valid UTF-8 (first at line 2)"
    )


def test_line_reader_numbers_pieces_and_bad_lines() -> None:
    data = b"one\r\ntwo\n" + b"x" * 10 + b"\nbad \xff\n"
    reader = LineReader(BytesSource(data, "t"), len(data), "utf-8", max_line_chars=4)
    lines = list(reader)
    assert lines[:4] == [(1, "one\r"), (1, "\n"), (2, "two\n"), (3, "xxxx")]
    assert "".join(text for n, text in lines if n == 3) == "x" * 10 + "\n"
    assert "\ufffd" in "".join(text for n, text in lines if n == 4)
    assert reader.bad_lines == 1 and reader.first_bad_lines == [4]


def test_line_reader_stops_at_the_limit() -> None:
    data = b"aaaa\nbbbb\ncccc\n"
    lines = list(LineReader(BytesSource(data, "t"), 7, "utf-8", 100))
    assert lines == [(1, "aaaa\n"), (2, "bb")]


def reference_lines(data: bytes, encoding: str, size: int) -> list[tuple[int, str]]:
    """Line pieces as ``io.TextIOWrapper(newline='').readline(size)`` gives them, numbered."""
    stream = io.TextIOWrapper(
        io.BytesIO(data), encoding=encoding, errors="surrogateescape", newline=""
    )
    pieces: list[tuple[int, str]] = []
    number = 1
    while piece := stream.readline(size):
        if piece == "\n" and pieces and pieces[-1][1].endswith("\r"):
            pieces.append((number - 1, piece))
            continue
        pieces.append((number, re.sub("[\udc80-\udcff]", "\ufffd", piece)))
        number += piece.endswith(("\n", "\r"))
    return pieces


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (b"a\nb\r\nc\rd", 100),
        (b"abc\r\ndef\r\n", 4),  # the CR LF cut between two pieces
        (b"page\x0cbreak\x0bvt\x1cfs\n", 100),  # not line ends for io
        ("next\u0085line\u2028sep\u2029para\n".encode(), 100),
        (b"\n\n\r\r\n", 1),
        (b"x" * 25 + b"\n" + b"y" * 3, 10),
        (b"bad \xff byte\nok\n\xfe", 100),
        (b"", 5),
    ],
    ids=[
        "mixed-ends",
        "crlf-cut",
        "ascii-other-breaks",
        "unicode-other-breaks",
        "empty-lines",
        "long-line",
        "undecodable",
        "empty",
    ],
)
@pytest.mark.parametrize("block", [1, 3, 4 * 1024 * 1024], ids=["block-1", "block-3", "block-4m"])
def test_line_reader_matches_io_readline(
    data: bytes, size: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lines_module, "_BLOCK_BYTES", block)
    reader = LineReader(BytesSource(data, "t"), len(data), "utf-8", size)
    assert list(reader) == reference_lines(data, "utf-8", size)
    pieces, numbers = read_lines(LineReader(BytesSource(data, "t"), len(data), "utf-8", size))
    assert list(zip(numbers or range(1, len(pieces) + 1), pieces, strict=True)) == list(
        LineReader(BytesSource(data, "t"), len(data), "utf-8", size)
    )


@pytest.mark.parametrize(
    ("data", "numbered"),
    [(b"a\nb\n", False), (b"a\n" + b"b" * 20 + b"\n", True), (b"a\n\xff\n", True)],
    ids=["plain", "cut-line", "undecodable"],
)
def test_read_lines_builds_numbers_only_when_needed(data: bytes, numbered: bool) -> None:
    _, numbers = read_lines(LineReader(BytesSource(data, "t"), len(data), "utf-8", 8))
    assert (numbers is not None) == numbered
