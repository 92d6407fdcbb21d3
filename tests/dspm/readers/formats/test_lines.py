from __future__ import annotations

import codecs

import pytest

from stackward.artifacts.source import BytesSource
from stackward.dspm.readers.formats.lines import LineReader, detect_encoding


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
