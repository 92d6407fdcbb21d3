from __future__ import annotations

import pytest

from tests.dspm.readers.conftest import read_one


def test_units_cut_at_line_ends_with_first_line() -> None:
    data = b"".join(f"line {i:02d}\n".encode() for i in range(1, 11))  # 8 bytes a line
    content = read_one(data, "app.log", text_unit_bytes=24)
    assert content.kind == "text"
    assert [unit.first_line for unit in content.texts] == [1, 4, 7, 10]
    assert all(unit.text.endswith("\n") for unit in content.texts)
    assert "".join(unit.text for unit in content.texts) == data.decode()
    assert content.sampling == "full" and content.problems == []


def test_huge_single_line_is_cut_into_bounded_units() -> None:
    data = b"A" * 100_000
    content = read_one(data, "blob.txt", text_unit_bytes=4096, max_bytes_per_item=50_000)
    assert max(len(unit.text) for unit in content.texts) <= 4096
    assert sum(len(unit.text) for unit in content.texts) == 50_000
    assert {unit.first_line for unit in content.texts} == {1}
    assert content.sampling == "first 48.8 KiB of 97.7 KiB"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "binary"),
        (b"PK-not-really\x00\x00\x01", "binary"),
        ("caf\u00e9 na\u00efve\n".encode("utf-16"), "text"),
        (b"plain ascii\n", "text"),
    ],
    ids=["elf", "nul-bytes", "utf16-bom", "ascii"],
)
def test_binary_is_not_read_and_not_a_problem(data: bytes, kind: str) -> None:
    content = read_one(data, "thing")
    assert content.kind == kind
    assert content.problems == []
    if kind == "binary":
        assert content.texts == [] and content.sampling == "not read: binary content"
    else:
        assert content.texts and "\ufffd" not in content.texts[0].text


def test_legacy_encoding_is_reported() -> None:
    content = read_one("Gr\u00fc\u00dfe aus K\u00f6ln\n".encode("latin-1") * 20, "greeting.txt")
    assert content.kind == "text"
    assert "Köln" in content.texts[0].text
    assert any("not valid UTF-8 (first at line 1)" in p for p in content.problems)
