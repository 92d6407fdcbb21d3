from __future__ import annotations

import pytest

from stackward.dspm.readers.formats import lines as lines_module
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


def reference_units(lines: list[str], unit_chars: int) -> list[tuple[int, str]]:
    """Greedy units, one line at a time: a line joins the unit while the unit stays within
    ``unit_chars`` (lines here are never longer than a unit)."""
    units: list[tuple[int, str]] = []
    pending: list[str] = []
    first = 1
    for number, line in enumerate(lines, start=1):
        if pending and sum(map(len, pending)) + len(line) > unit_chars:
            units.append((first, "".join(pending)))
            pending = []
        if not pending:
            first = number
        pending.append(line)
    if pending:
        units.append((first, "".join(pending)))
    return units


@pytest.mark.parametrize("unit_chars", [1, 5, 7, 8, 13, 64, 10_000])
@pytest.mark.parametrize("block", [2, 7, 4 * 1024 * 1024], ids=["block-2", "block-7", "block-4m"])
def test_units_match_line_by_line_packing(
    unit_chars: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lines_module, "_BLOCK_BYTES", block)
    lines = [f"{'w' * (i % 6)}\n" for i in range(40)]
    content = read_one("".join(lines).encode(), "notes.txt", text_unit_bytes=unit_chars)
    units = [(unit.first_line, unit.text) for unit in content.texts]
    if unit_chars >= 6:
        assert units == reference_units(lines, unit_chars)
    assert "".join(text for _, text in units) == "".join(lines)
    assert content.rows_read == 40
