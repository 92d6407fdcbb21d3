from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stackward.dspm.readers.files import read_file
from stackward.dspm.readers.formats.sqlite import quote_identifier
from stackward.dspm.records import Location, ReadLimits
from tests.dspm.readers.conftest import read_bytes


def make_database(path: Path, rows: int = 3) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute(
            'CREATE TABLE "odd ""name""" (id INTEGER PRIMARY KEY, email TEXT, blob BLOB)'
        )
        connection.executemany(
            'INSERT INTO "odd ""name""" (email, blob) VALUES (?, ?)',
            [(f"user{i}@example.com", b"k-" + str(i).encode()) for i in range(rows)],
        )
        connection.execute("CREATE TABLE plain (code TEXT PRIMARY KEY, note TEXT) WITHOUT ROWID")
        connection.execute("INSERT INTO plain VALUES ('a', 'x'), ('b', NULL)")
        connection.execute("CREATE TRIGGER t AFTER INSERT ON plain BEGIN DELETE FROM plain; END")
        connection.execute("CREATE VIEW v AS SELECT * FROM plain")
    connection.close()
    return path


def test_tables_are_items_with_columns(tmp_path: Path) -> None:
    path = make_database(tmp_path / "app.db")
    contents = read_file(path, Location(str(tmp_path), "app.db"), ReadLimits())
    assert [c.location.item for c in contents] == ["app.db", 'app.db!odd "name"', "app.db!plain"]
    table = contents[1]
    assert table.kind == "sqlite.table" and table.rows_total == 3 and table.sampling == "full"
    fields = {f.location.field: f.values for f in table.fields}
    assert fields == {
        "id": ["1", "2", "3"],
        "email": ["user0@example.com", "user1@example.com", "user2@example.com"],
        "blob": ["k-0", "k-1", "k-2"],
    }
    assert {f.location.field: f.values for f in contents[2].fields} == {
        "code": ["a", "b"],
        "note": ["x"],
    }
    assert all(not c.problems for c in contents)


def test_remote_source_is_spooled_and_large_table_sampled(tmp_path: Path) -> None:
    data = make_database(tmp_path / "big.sqlite", rows=5000).read_bytes()
    contents = read_bytes(data, "big.sqlite", sample_rows=100, seed=1)
    table = contents[1]
    assert table.rows_total == 5000 and table.rows_read == 100
    assert table.sampling == "10 runs of 10 rows at random rowids (seed 1), 100 of ~5,000 rows"
    again = read_bytes(data, "big.sqlite", sample_rows=100, seed=1)[1]
    assert table.fields[1].values == again.fields[1].values


def test_copy_bound_is_enforced(tmp_path: Path) -> None:
    data = make_database(tmp_path / "x.db").read_bytes()
    contents = read_bytes(data, "x.db", max_expanded_bytes=1024)
    assert len(contents) == 1
    assert "exceeds the 1 KiB copy bound" in contents[0].problems[0]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda data: data[:100],
        lambda data: data[:1024] + b"\xa5" * (len(data) - 1024),
        lambda data: b"SQLite format 3\x00" + b"\x00" * 84,
    ],
    ids=["truncated", "corrupt-pages", "header-only"],
)
def test_broken_database_is_a_problem(tmp_path: Path, mangle: object) -> None:
    data = mangle(make_database(tmp_path / "src.db").read_bytes())  # type: ignore[operator]
    contents = read_bytes(data, "broken.db")
    problems = [p for c in contents for p in c.problems]
    assert problems and all(p.startswith("broken.db") for p in problems)


def test_quote_identifier() -> None:
    assert quote_identifier('a"b') == '"a""b"'
