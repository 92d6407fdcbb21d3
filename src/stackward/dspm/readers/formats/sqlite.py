"""SQLite databases: one item per table, read-only, nothing but ``SELECT`` and ``PRAGMA``.

The database is opened ``mode=ro&immutable=1`` with ``query_only`` and ``trusted_schema``
off, an authorizer that allows reads only, and a progress budget so a corrupt or huge
file cannot keep a query running. Sources that are not local files (object-store
objects, archive members) are spooled to a temporary file first, within a size bound.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

from stackward.artifacts.source import CHUNK, ByteSource, FileSource
from stackward.dspm.readers.formats import problem, size_text
from stackward.dspm.records import FieldSample, ItemContent, Location, ReadLimits

MAX_TABLES = 1_000
EXACT_COUNT_UP_TO = 1_000_000
WINDOWS = 10
PROGRESS_STEPS = 10_000
MAX_PROGRESS_CALLS = 20_000
_ALLOWED = {
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_PRAGMA,
    sqlite3.SQLITE_FUNCTION,
}


def quote_identifier(name: str) -> str:
    """A safe SQL identifier: double quotes doubled inside double quotes."""
    return '"' + name.replace('"', '""') + '"'


def _authorize(action: int, arg1: str | None, arg2: str | None, *_: str | None) -> int:
    if action not in _ALLOWED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in {
        "load_extension",
        "readfile",
        "writefile",
    }:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@contextmanager
def local_path(source: ByteSource, bound: int) -> Iterator[Path]:
    """The path of a local file source, or of a bounded temporary copy of any other source."""
    if isinstance(source, FileSource):
        yield source.path
        return
    if source.size > bound:
        raise ValueError(
            f"database of {size_text(source.size)} exceeds the {size_text(bound)} copy bound"
        )
    with tempfile.TemporaryDirectory(prefix="stackward-sqlite-") as directory:
        path = Path(directory) / "copy.sqlite"
        with path.open("wb") as copy:
            offset = 0
            while offset < source.size:
                block = source.read_at(offset, CHUNK)
                if not block:
                    break
                copy.write(block)
                offset += len(block)
        yield path


def connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    connection.execute("PRAGMA query_only=ON")
    connection.execute("PRAGMA trusted_schema=OFF")
    connection.set_authorizer(_authorize)
    calls = [0]

    def budget() -> int:
        calls[0] += 1
        return 1 if calls[0] > MAX_PROGRESS_CALLS else 0

    connection.set_progress_handler(budget, PROGRESS_STEPS)
    return connection


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
    return text if text.strip() else None


def _row_count(connection: sqlite3.Connection, table: str) -> tuple[int | None, bool]:
    """Rows (exact when cheap, else ``max(rowid)`` as an estimate) and whether rowid exists."""
    try:
        (highest,) = connection.execute(f"SELECT max(rowid) FROM {table}").fetchone()  # noqa: S608
    except sqlite3.DatabaseError:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        return int(count), False
    if highest is None:
        return 0, True
    if int(highest) <= EXACT_COUNT_UP_TO:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        return int(count), True
    return int(highest), True


def _sample_rows(
    connection: sqlite3.Connection,
    table: str,
    total: int | None,
    has_rowid: bool,
    limits: ReadLimits,
) -> tuple[list[tuple[object, ...]], list[str], str]:
    select = f"SELECT * FROM {table}"  # noqa: S608
    if limits.full_scan or total is None or total <= limits.sample_rows:
        limit = -1 if limits.full_scan else limits.sample_rows
        cursor = connection.execute(f"{select} LIMIT ?", (limit,))
        return cursor.fetchall(), [d[0] for d in cursor.description], "full"
    rng = random.Random(limits.seed)  # noqa: S311 - sampling, not security
    per_window = max(1, limits.sample_rows // WINDOWS)
    rows: list[tuple[object, ...]] = []
    names: list[str] = []
    for _ in range(WINDOWS):
        start = rng.randrange(max(1, total - per_window))
        if has_rowid:
            query = f"SELECT * FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT ?"  # noqa: S608
            cursor = connection.execute(query, (start, per_window))
        else:
            cursor = connection.execute(f"{select} LIMIT ? OFFSET ?", (per_window, start))
        rows.extend(cursor.fetchall())
        names = [d[0] for d in cursor.description]
    how = "rowid" if has_rowid else "offset"
    sampling = f"{WINDOWS} runs of {per_window:,} rows at random {how}s (seed {limits.seed}), {len(rows):,} of ~{total:,} rows"
    return rows, names, sampling


def read_table(
    connection: sqlite3.Connection, name: str, location: Location, limits: ReadLimits
) -> ItemContent:
    where = Location(location.source, f"{location.item}!{name}")
    content = ItemContent(where, "sqlite.table")
    table = quote_identifier(name)
    try:
        total, has_rowid = _row_count(connection, table)
        rows, names, sampling = _sample_rows(connection, table, total, has_rowid, limits)
    except sqlite3.Error as exc:
        content.problems.append(problem(where, f"table not readable: {exc}"))
        content.sampling = "not read"
        return content
    for index, column in enumerate(names):
        values = [text for row in rows if (text := _cell_text(row[index])) is not None]
        content.fields.append(
            FieldSample(where.with_field(column), column, values, len(rows), total)
        )
    content.rows_total = total
    content.rows_read = len(rows)
    content.sampling = sampling
    return content


def read_sqlite(source: ByteSource, location: Location, limits: ReadLimits) -> list[ItemContent]:
    database = ItemContent(location, "sqlite", bytes_total=source.size, sampling="tables below")
    try:
        with (
            local_path(source, limits.max_expanded_bytes) as path,
            closing(connect_read_only(path)) as connection,
        ):
            tables = connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT ?",
                (MAX_TABLES + 1,),
            ).fetchall()
            contents = [database]
            for name, sql in tables[:MAX_TABLES]:
                if str(sql or "").lstrip().upper().startswith("CREATE VIRTUAL"):
                    database.problems.append(problem(location, f"virtual table {name!r} not read"))
                    continue
                contents.append(read_table(connection, str(name), location, limits))
            if len(tables) > MAX_TABLES:
                database.problems.append(
                    problem(location, f"more than {MAX_TABLES} tables; rest not read")
                )
            return contents
    except (sqlite3.Error, OSError, ValueError) as exc:
        database.problems.append(problem(location, f"not a readable SQLite database: {exc}"))
        database.sampling = "not read"
        return [database]
