from __future__ import annotations

import pytest

from stackward.dspm.readers.formats import delimited
from stackward.dspm.readers.formats.delimited import column_names, sniff_dialect
from tests.dspm.readers.conftest import field_values, read_one

USERS = b"name,email\nAda Lovelace,ada@example.com\nBob Stone,bob@example.org\n"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (
            USERS,
            "users.csv",
            {
                "name": ["Ada Lovelace", "Bob Stone"],
                "email": ["ada@example.com", "bob@example.org"],
            },
        ),
        (
            USERS.replace(b",", b"\t"),
            "users.tsv",
            {
                "name": ["Ada Lovelace", "Bob Stone"],
                "email": ["ada@example.com", "bob@example.org"],
            },
        ),
        (
            USERS.replace(b",", b";"),
            "users.txt.csv",
            {
                "name": ["Ada Lovelace", "Bob Stone"],
                "email": ["ada@example.com", "bob@example.org"],
            },
        ),
        (
            b"\xef\xbb\xbfid,ssn\n1,123-45-6789\n2,\n",
            "bom.csv",
            {"id": ["1", "2"], "ssn": ["123-45-6789"]},
        ),
        (
            b"1,4111111111111111\n2,5500000000000004\n3,340000000000009\n",
            "noheader.csv",
            {
                "column_1": ["1", "2", "3"],
                "column_2": ["4111111111111111", "5500000000000004", "340000000000009"],
            },
        ),
    ],
    ids=["comma", "tab", "semicolon", "utf8-bom-and-empty-cell", "no-header"],
)
def test_columns_and_values(data: bytes, name: str, expected: dict[str, list[str]]) -> None:
    content = read_one(data, name)
    assert content.kind in ("csv", "tsv")
    assert field_values(content) == expected
    assert content.problems == []
    assert content.sampling == "full"


def test_line_numbers_follow_multiline_records() -> None:
    content = read_one(b'id,note\n1,"two\nlines"\n2,plain\n', "notes.csv")
    note = next(f for f in content.fields if f.name == "note")
    assert note.values == ["two\nlines", "plain"]
    assert note.lines == [2, 4]


def test_sampling_is_seeded_and_reported() -> None:
    data = b"n\n" + b"".join(f"{i}\n".encode() for i in range(1, 501))
    first = read_one(data, "many.csv", sample_rows=50, seed=7)
    again = read_one(data, "many.csv", sample_rows=50, seed=7)
    other = read_one(data, "many.csv", sample_rows=50, seed=8)
    values = first.fields[0].values
    assert (
        len(values) == 50 and values == again.fields[0].values and values != other.fields[0].values
    )
    assert [int(v) for v in values] == sorted(int(v) for v in values)
    assert first.fields[0].lines == [int(v) + 1 for v in values]
    assert first.sampling == "50 of 500 rows at random (seed 7)"
    assert first.rows_total == 500


def test_head_only_for_large_file() -> None:
    data = b"id,email\n" + b"".join(f"{i},u{i}@example.com\n".encode() for i in range(20000))
    content = read_one(data, "big.csv", max_bytes_per_item=4096, sample_rows=10_000)
    assert content.sampling.startswith("first 4 KiB of ")
    assert content.rows_total is None
    emails = content.fields[1].values
    assert all(v.endswith("@example.com") for v in emails)  # the cut last row was dropped
    assert content.bytes_read == 4096


@pytest.mark.parametrize(
    ("data", "expected_problem", "still_read"),
    [
        (
            b"id,note\n1,x\n2,y,z\n3\n4,w\n",
            "2 ragged rows (not 2 cells) (lines 3, 4)",
            ["x", "y", "w"],
        ),
        (b'id,note\n1,"ok"\n2,"bad"x\n3,fine\n', "line 3:", ["ok", "fine"]),
        (
            b'id,note\n1,fine\n2,"never closed\n3,after\n',
            "line 3: unexpected end of data",
            ["fine", "after"],
        ),
        (
            b'id,note\n1,fine\n2,"stray\n3,after\n4,"last"\n',
            "line 3: ',' expected",
            ["fine", "after", "last"],
        ),
        (
            b"id,name\n1,Ren\xe9e\n2,Zo\xeb\n",
            "not valid UTF-8 (first at line 2)",
            ["Ren\xe9e", "Zo\xeb"],
        ),
    ],
    ids=["ragged", "broken-quote", "unterminated-quote", "stray-quote", "invalid-utf8"],
)
def test_bad_input_is_a_problem(data: bytes, expected_problem: str, still_read: list[str]) -> None:
    content = read_one(data, "bad.csv")
    assert any(p.startswith("bad.csv: ") and expected_problem in p for p in content.problems), (
        content.problems
    )
    assert content.fields[1].values == still_read


def test_invalid_utf8_after_the_head_is_counted_per_line() -> None:
    data = b"id,name\n" + b"1,plain\n" * 10_000 + b"2,Zo\xeb\n"
    content = read_one(data, "late.csv", sample_rows=20_000)
    assert any(
        "1 lines with bytes invalid in utf-8" in p and "10002" in p for p in content.problems
    )
    assert content.fields[1].values[-1] == "Zo\ufffd"


def test_sniffing_falls_back_by_extension() -> None:
    dialect, _ = sniff_dialect("onlyonecolumn\n", "tsv")
    assert dialect.delimiter == "\t"


def test_column_names_are_unique() -> None:
    assert column_names(["a", "", "a"], 4) == ["a", "column_2", "a_2", "column_4"]


def test_huge_single_line_is_a_problem_and_the_rest_is_read() -> None:
    data = b"a,b\n" + b"x" * 3_000_000 + b"\n1,2\n"
    content = read_one(data, "huge.csv")
    assert any(
        p.startswith("huge.csv: line 2: field larger than field limit") for p in content.problems
    )
    assert content.fields[0].values == ["1"] and content.fields[0].lines == [3]


def test_a_stray_quote_is_replayed_from_the_next_line() -> None:
    data = b'id,note\n1,"open\n2,ok\n3,ok,extra\n4,"x"y\n5,fine\n'
    content = read_one(data, "quotes.csv")
    assert [(f.name, f.values, f.lines) for f in content.fields] == [
        ("id", ["2", "3", "5"], [3, 4, 6]),
        ("note", ["ok", "ok", "fine"], [3, 4, 6]),
    ]
    assert content.rows_total == 3
    assert content.problems == [
        "quotes.csv: 1 ragged rows (not 2 cells) (lines 4)",
        "quotes.csv: line 2: ',' expected after '\"'",
        "quotes.csv: line 5: ',' expected after '\"'",
    ]


def test_cut_lines_keep_their_line_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delimited, "MAX_LINE_CHARS", 16)
    data = b'id,note\n1,short\n2,"a\r\nb"\n3,' + b"n" * 40 + b"\n4,last\n"
    content = read_one(data, "cut.csv")
    ids = next(f for f in content.fields if f.name == "id")
    assert ids.values[:2] == ["1", "2"] and ids.lines[:2] == [2, 3]
    assert ids.values[-1] == "4" and ids.lines[-1] == 6  # after a line cut into pieces


@pytest.mark.parametrize("chunk", [1, 2, 3, 4096], ids=["1", "2", "3", "4096"])
@pytest.mark.parametrize("cut", [False, True], ids=["whole", "cut-head"])
def test_row_batches_do_not_change_the_sample(
    chunk: int, cut: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [f"{i},v{i}" if i != 7 else f"{i},v{i},extra" for i in range(1, 30)]
    data = ("id,value\n" + "\n".join(rows) + "\n").encode()
    limits = {"sample_rows": 5, "seed": 3, "max_bytes_per_item": len(data) - 3 if cut else 10**6}
    monkeypatch.setattr(delimited, "_CHUNK_ROWS", 4096)
    expected = read_one(data, "rows.csv", **limits)
    monkeypatch.setattr(delimited, "_CHUNK_ROWS", chunk)
    found = read_one(data, "rows.csv", **limits)
    assert found == expected
    assert expected.rows_read == (29 if cut else 30)  # no header sniffed; a cut last row is dropped
    assert expected.problems == ["rows.csv: 1 ragged rows (not 2 cells) (lines 8)"]


@pytest.mark.parametrize(
    "text",
    [
        "id,value\n1,a\n2,b\n3,c\n",
        "id,value\n\n1,a\n\n\n2,b\n",
        'id,note\n1,"two\nlines"\n2,b\n3,c\n4,d\n',
        'id,note\n1,a\n2,b\n3,"never closed\n4,d\n5,e\n',
        'id,note\n1,a\n2,b"c\n3,d\n',
        "\n\n\n\nid,value\n1,a\n",
        "",
    ],
    ids=[
        "plain",
        "blank-lines",
        "multiline-record",
        "open-quote",
        "bad-quote",
        "blank-head",
        "empty",
    ],
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 4096], ids=["1", "2", "3", "4096"])
def test_row_batches_match_record_by_record_parsing(
    text: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delimited, "_CHUNK_ROWS", chunk)
    pieces = text.splitlines(keepends=True)
    fast = delimited._RowParser(pieces, None, delimited.csv.excel)
    slow = delimited._RowParser(pieces, None, delimited.csv.excel)
    assert [row for batch in fast.batches() for row in batch] == list(slow._records(0))
    assert (fast.errors, fast.error_count) == (slow.errors, slow.error_count)
    assert all(batch for batch in fast.batches())


@pytest.mark.parametrize(
    ("cells", "values"),
    [
        (["a", "b", "c"], ["a", "b", "c"]),
        (["a", "", "c"], ["a", "c"]),
        (["a", "  ", "\t"], ["a"]),
        (["\xa0", "x", "\u3000"], ["x"]),
        ([" a ", "b ", ""], [" a ", "b "]),
    ],
    ids=["full", "empty-cell", "ascii-blanks", "unicode-blanks", "outer-spaces-kept"],
)
def test_blank_cells_are_left_out_of_columns(cells: list[str], values: list[str]) -> None:
    kept = [(line, [cell, "x"]) for line, cell in enumerate(cells, start=1)]
    (column, lines), (other, _) = delimited._columns(kept, 2)
    assert column == values
    assert lines == [line for line, cell in kept if cell[0].strip()]
    assert other == ["x"] * len(cells)


def _plain_sniff(sample: str) -> tuple[object, bool]:
    """What the plain csv.Sniffer makes of the sample, as sniff_dialect asks it."""
    sniffer = delimited.csv.Sniffer()
    try:
        dialect = sniffer.sniff(sample, delimiters=",\t;|")
        found: object = (
            dialect.delimiter,
            dialect.quotechar,
            dialect.doublequote,
            dialect.skipinitialspace,
        )
    except delimited.csv.Error:
        found = "error"
    try:
        header = sniffer.has_header(sample)
    except delimited.csv.Error:
        header = True
    return found, header
