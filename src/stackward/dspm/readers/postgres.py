"""PostgreSQL tables as samples of columns, read through a read-only session.

The session is read-only three ways over (``default_transaction_read_only``, the session's
transaction characteristics, and only ``SELECT`` statements are ever sent), with a statement
and a lock timeout so a scan never holds up production traffic for long. Each table gives one
:class:`ItemContent` with a :class:`FieldSample` per column worth classifying; large tables
are sampled with ``TABLESAMPLE SYSTEM`` (pages, cheap) and the sampling is said in words.
A table that cannot be read is a problem on that item; a database that cannot be reached is
a :class:`DataSourceError`. Passwords never appear in a location or a message.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from stackward.dspm.records import FieldSample, ItemContent, Location, ReadLimits

EXACT_COUNT_BELOW = 10_000
"""Tables estimated smaller than this are counted exactly (cheap, and stats may be stale)."""
COUNT_UNKNOWN_BELOW_PAGES = 12_800
"""A never-analysed table this small (100 MiB of 8 KiB pages) is counted exactly."""
SAMPLE_FACTOR = 10
"""Tables up to ``sample_rows * SAMPLE_FACTOR`` rows are read from the start, not sampled."""
MAX_VALUE_CHARS = 65_536
"""Longer values are cut in SQL, so one huge document cannot fill memory."""
FETCH_BATCH = 2_000
MIN_SAMPLE_PAGES = 32
DRAW_FACTOR = 4
"""TABLESAMPLE rows fetched per row kept, at least (all the drawn pages' rows when the page
floor draws more); the kept rows are spread over them."""
CTID_RANGES = 16
"""Random page ranges read when TABLESAMPLE returns too few rows (PostgreSQL 14+)."""
SECRET_KEYS = ("password", "sslpassword")

_TEXT_CATEGORIES = frozenset({"S", "N", "I"})
"""String, numeric and network types (``pg_type.typcategory``)."""
_TEXT_TYPES = frozenset({"date", "json", "jsonb", "xml"})
_RELATION_KINDS = {"r": "table", "p": "partitioned table", "m": "materialized view", "v": "view"}


class DataSourceError(Exception):
    """A data source as a whole cannot be read (unreachable, bad credentials, no such bucket).

    The message names the source (host and database, or bucket) and never a credential.
    """


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type_name: str


@dataclass(frozen=True, slots=True)
class Relation:
    oid: int
    schema: str
    name: str
    kind: str
    """``pg_class.relkind``: r, p, m or v."""
    reltuples: float
    relpages: int

    @property
    def item(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def identifier(self) -> sql.Composed:
        return sql.SQL(".").join([sql.Identifier(self.schema), sql.Identifier(self.name)])


@dataclass(frozen=True, slots=True)
class Size:
    """A relation's size now (measured per table: it takes a lock that may time out)."""

    pages: int
    bytes: int | None
    estimate: int | None
    """Rows estimated from the statistics and the current size: -1 unknown, None for views."""


@dataclass(slots=True)
class Rows:
    """Rows of the selected columns, as text, and how they were chosen."""

    rows: list[tuple[str | None, ...]]
    how: str
    complete: bool = False
    """Every row of the relation was read."""


def redacted_source(dsn: str) -> str:
    """``postgresql://user@host:port/db`` from any DSN form, with no password in it."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.Error:
        raise DataSourceError("invalid PostgreSQL connection string") from None
    user = str(params.get("user") or "")
    host = str(params.get("host") or params.get("hostaddr") or "localhost")
    if host.startswith("/"):
        host = host.replace("/", "%2F")
    port = str(params.get("port") or "5432")
    database = str(params.get("dbname") or user or "postgres")
    return f"postgresql://{user + '@' if user else ''}{host}:{port}/{database}"


def _scrub(message: str, dsn: str) -> str:
    """Remove any credential from a driver message (they should hold none; be sure)."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.Error:
        return message
    for key in SECRET_KEYS:
        secret = params.get(key)
        if secret:
            message = message.replace(str(secret), "***")
    return message.replace(dsn, "***")


def connect_read_only(
    dsn: str,
    *,
    connect_timeout: float = 10.0,
    statement_timeout: float = 30.0,
    lock_timeout: float = 5.0,
) -> psycopg.Connection[tuple[Any, ...]]:
    """An autocommit connection whose every transaction is read-only and time-bounded."""
    source = redacted_source(dsn)
    try:
        conn = psycopg.connect(
            dsn,
            autocommit=True,
            connect_timeout=max(1, round(connect_timeout)),
            application_name="stackward-dspm",
        )
    except psycopg.Error as exc:
        reason = _scrub(str(exc).strip().splitlines()[0] if str(exc).strip() else "", dsn)
        raise DataSourceError(f"cannot connect to {source}: {reason}") from None
    try:
        conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        for name, value in (
            ("default_transaction_read_only", "on"),
            ("statement_timeout", f"{max(1, round(statement_timeout * 1000))}"),
            ("lock_timeout", f"{max(1, round(lock_timeout * 1000))}"),
            ("idle_in_transaction_session_timeout", f"{max(1, round(statement_timeout * 2000))}"),
        ):
            conn.execute("SELECT set_config(%s, %s, false)", (name, value))
    except psycopg.Error as exc:
        conn.close()
        raise DataSourceError(
            f"{source}: cannot make the session read-only: {_reason(exc)}"
        ) from None
    return conn


def _reason(exc: psycopg.Error) -> str:
    """The primary message only: details and hints can quote row values."""
    primary = exc.diag.message_primary if exc.diag is not None else None
    text = primary or (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"{text} ({exc.sqlstate})" if exc.sqlstate else text


_RELATIONS = """
SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples::float8, c.relpages
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = ANY(%(kinds)s) AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
  AND (%(schemas)s::text[] IS NULL OR n.nspname = ANY(%(schemas)s::text[]))
ORDER BY n.nspname, c.relname
"""

_SIZE = """
SELECT CASE WHEN c.relkind = 'p' THEN
         (SELECT coalesce(sum(pg_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t)
       ELSE pg_relation_size(c.oid) END,
       CASE WHEN c.relkind = 'p' THEN
         (SELECT coalesce(sum(greatest(p.reltuples, 0)), -1) FROM pg_partition_tree(c.oid) t
          JOIN pg_class p ON p.oid = t.relid WHERE t.isleaf)
       ELSE NULL END,
       current_setting('block_size')::int
FROM pg_class c WHERE c.oid = %s
"""

_COLUMNS = """
SELECT a.attname, coalesce(b.typname, t.typname), coalesce(b.typcategory, t.typcategory),
       e.typcategory, has_column_privilege(a.attrelid, a.attnum, 'SELECT')
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype
LEFT JOIN pg_type e ON e.oid = coalesce(b.typelem, t.typelem)
     AND coalesce(b.typcategory, t.typcategory) = 'A'
WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""


def _estimate(reltuples: float, relpages: int, pages: int, leaf_rows: float | None) -> int:
    """Rows now, the way the planner guesses: stored density times the current pages."""
    if leaf_rows is not None:
        return int(max(leaf_rows, 0))
    if pages == 0:
        return 0
    if reltuples > 0 and relpages > 0:
        return int(reltuples / relpages * pages)
    if reltuples >= 0 and relpages > 0:
        return 0
    return -1


def list_relations(
    conn: psycopg.Connection[tuple[Any, ...]], schemas: Sequence[str] | None, include_views: bool
) -> list[Relation]:
    """Relations from the catalog alone: no lock is taken on any of them."""
    kinds = ["r", "p", "m", "v"] if include_views else ["r", "p", "m"]
    params = {"kinds": kinds, "schemas": list(schemas) if schemas is not None else None}
    return [Relation(*row) for row in conn.execute(_RELATIONS, params)]


def measure(conn: psycopg.Connection[tuple[Any, ...]], relation: Relation) -> Size:
    if relation.kind == "v":
        return Size(0, None, None)
    row = conn.execute(_SIZE, (relation.oid,)).fetchone()
    if row is None:
        raise psycopg.errors.UndefinedTable(f"relation {relation.item} does not exist")
    size, leaf_rows, block = row
    pages = int(size // block)
    return Size(
        pages, int(size), _estimate(relation.reltuples, relation.relpages, pages, leaf_rows)
    )


def _worth_reading(type_name: str, category: str, element_category: str | None) -> bool:
    if category == "A":
        return element_category == "S"
    return category in _TEXT_CATEGORIES or type_name in _TEXT_TYPES


def read_columns(
    conn: psycopg.Connection[tuple[Any, ...]], relation: Relation
) -> tuple[list[Column], list[str]]:
    """Columns to read, and the names of columns withheld by column privileges."""
    readable, denied = [], []
    for name, type_name, category, element_category, allowed in conn.execute(
        _COLUMNS, (relation.oid,)
    ):
        if not _worth_reading(type_name, category, element_category):
            continue
        if allowed:
            readable.append(Column(name, type_name))
        else:
            denied.append(name)
    return readable, denied


def _select(relation: Relation, columns: Sequence[Column]) -> sql.Composed:
    values = [
        sql.SQL("left({}::text, {})").format(sql.Identifier(c.name), sql.Literal(MAX_VALUE_CHARS))
        for c in columns
    ]
    return sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(values), relation.identifier)


def _fetch(
    conn: psycopg.Connection[tuple[Any, ...]],
    query: sql.Composed,
    params: Sequence[Any] = (),
    *,
    limit: int | None,
    byte_budget: int | None,
) -> tuple[list[tuple[str | None, ...]], bool]:
    """Rows through a server-side cursor, in batches; True when the byte budget cut it."""
    rows: list[tuple[str | None, ...]] = []
    size = 0
    with conn.cursor(name="stackward_dspm_sample") as cursor:
        cursor.execute(query, params)
        while limit is None or len(rows) < limit:
            wanted = FETCH_BATCH if limit is None else min(FETCH_BATCH, limit - len(rows))
            batch = cursor.fetchmany(wanted)
            if not batch:
                break
            if byte_budget is None:
                rows.extend(batch)
                continue
            for row in batch:
                rows.append(row)
                size += sum(len(value) for value in row if value)
                if size >= byte_budget:
                    return rows, True
    return rows, False


def _count(conn: psycopg.Connection[tuple[Any, ...]], relation: Relation) -> int:
    query = sql.SQL("SELECT count(*) FROM {}").format(relation.identifier)
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def _row_count(
    conn: psycopg.Connection[tuple[Any, ...]], relation: Relation, size: Size, limits: ReadLimits
) -> tuple[int | None, bool]:
    """Rows of the relation and whether the number is exact: counted when small or when
    the statistics know nothing of a table of modest size, else the estimate."""
    estimate = size.estimate
    if relation.kind == "v":
        return None, False
    unknown = estimate is None or estimate < 0
    if (
        limits.full_scan
        or (estimate is not None and 0 <= estimate < EXACT_COUNT_BELOW)
        or (unknown and size.pages < COUNT_UNKNOWN_BELOW_PAGES)
    ):
        return _count(conn, relation), True
    return (None if unknown else estimate), False


def _tablesample_percent(target_rows: int, total: int | None, pages: int) -> float:
    """Percent of pages to draw for about ``target_rows`` rows (at least a row per page),
    and never fewer than :data:`MIN_SAMPLE_PAGES` pages: a draw of one or two pages too
    often comes back empty."""
    base = total if total is not None and total > 0 else max(pages, 1)
    by_rows = target_rows * 100.0 / base
    by_pages = MIN_SAMPLE_PAGES * 100.0 / max(pages, 1)
    return float(f"{min(100.0, max(0.0001, by_rows, by_pages)):.4g}")


def _spread(
    rows: list[tuple[str | None, ...]], count: int, seed: int
) -> list[tuple[str | None, ...]]:
    """``count`` of the sampled rows chosen at random (seeded), in table order, so the sample
    covers every drawn page rather than the first ones."""
    if len(rows) <= count:
        return rows
    chooser = random.Random(seed)  # noqa: S311 - reproducible sampling, not a secret
    return [rows[index] for index in sorted(chooser.sample(range(len(rows)), count))]


def _ctid_ranges(
    conn: psycopg.Connection[tuple[Any, ...]],
    base: sql.Composed,
    pages: int,
    percent: float,
    limits: ReadLimits,
) -> list[tuple[str | None, ...]]:
    """Rows from one seeded random page range in each of ``CTID_RANGES`` equal slices of
    the table (TID range scans read only those pages; the ranges never overlap)."""
    if pages == 0:
        return []
    chooser = random.Random(limits.seed)  # noqa: S311 - reproducible sampling, not a secret
    count = min(CTID_RANGES, pages)
    stratum = pages // count
    span = max(1, min(stratum, round(pages * min(1.0, percent * 10 / 100) / count)))
    starts = [i * stratum + chooser.randrange(stratum - span + 1) for i in range(count)]
    per_range = -(-limits.sample_rows // count)
    rows: list[tuple[str | None, ...]] = []
    query = sql.SQL("{} WHERE ctid >= %s::tid AND ctid < %s::tid LIMIT %s").format(base)
    for start in starts:
        batch, _ = _fetch(
            conn,
            query,
            (f"({start},0)", f"({start + span},0)", per_range),
            limit=per_range,
            byte_budget=None,
        )
        rows.extend(batch)
    return rows[: limits.sample_rows]


def _about(count: int, total: int | None, exact: bool) -> str:
    if total is None:
        return f"{count:,} rows"
    return f"{count:,} of {'' if exact else '~'}{total:,} rows"


def sample_rows(
    conn: psycopg.Connection[tuple[Any, ...]],
    relation: Relation,
    pages: int,
    columns: Sequence[Column],
    total: int | None,
    exact: bool,
    limits: ReadLimits,
) -> Rows:
    """Choose and read the rows of one relation (inside a read-only transaction)."""
    base = _select(relation, columns)
    if limits.full_scan:
        rows, _ = _fetch(conn, base, limit=None, byte_budget=None)
        return Rows(rows, "full", complete=True)
    budget = limits.max_bytes_per_item
    small = total is not None and total <= limits.sample_rows * SAMPLE_FACTOR
    if relation.kind == "v" or small:
        query = sql.SQL("{} LIMIT %s").format(base)
        rows, cut = _fetch(
            conn, query, (limits.sample_rows,), limit=limits.sample_rows, byte_budget=budget
        )
        complete = (not cut and len(rows) < limits.sample_rows) or (exact and len(rows) == total)
        how = f"first {_about(len(rows), total, exact)}"
        return Rows(rows, f"{how}, cut at {budget:,} bytes" if cut else how, complete=complete)
    percent = _tablesample_percent(limits.sample_rows * 2, total, pages)
    query = sql.SQL("{} TABLESAMPLE SYSTEM (%s) REPEATABLE (%s) LIMIT %s").format(base)
    expected = percent / 100 * total if total is not None else 0
    drawn = max(limits.sample_rows * DRAW_FACTOR, round(expected * 1.5))
    rows, cut = _fetch(conn, query, (percent, limits.seed, drawn), limit=drawn, byte_budget=budget)
    rows = _spread(rows, limits.sample_rows, limits.seed)
    how = f"TABLESAMPLE SYSTEM ({percent:g}) REPEATABLE ({limits.seed})"
    if cut:
        return Rows(rows, f"{how}: {_about(len(rows), total, exact)}, cut at {budget:,} bytes")
    if len(rows) * 2 >= limits.sample_rows:
        return Rows(rows, f"{how}: {_about(len(rows), total, exact)}")
    shortfall = f"{how} gave {len(rows):,} rows"
    if relation.kind in "rm" and conn.info.server_version >= 140000:
        ranged = _ctid_ranges(conn, base, pages, percent, limits)
        if len(ranged) > len(rows) and len(ranged) * 2 >= limits.sample_rows:
            words = f"{CTID_RANGES} seeded page ranges ({shortfall})"
            return Rows(ranged, f"{words}: {_about(len(ranged), total, exact)}")
    query = sql.SQL("{} LIMIT %s").format(base)
    first, _ = _fetch(
        conn, query, (limits.sample_rows,), limit=limits.sample_rows, byte_budget=budget
    )
    if len(first) > len(rows):
        return Rows(first, f"first rows ({shortfall}): {_about(len(first), total, exact)}")
    return Rows(rows, f"{how}: {_about(len(rows), total, exact)}")


def _content(
    location: Location,
    relation: Relation,
    size: Size,
    columns: Sequence[Column],
    chosen: Rows,
    total: int | None,
) -> ItemContent:
    rows_read = len(chosen.rows)
    if chosen.complete:
        total = rows_read
    fields = [
        FieldSample(
            location=location.with_field(column.name),
            name=column.name,
            values=[value for row in chosen.rows if (value := row[index])],
            rows_read=rows_read,
            rows_total=total,
        )
        for index, column in enumerate(columns)
    ]
    return ItemContent(
        location=location,
        kind="postgres.view" if relation.kind == "v" else "postgres.table",
        fields=fields,
        bytes_total=size.bytes,
        bytes_read=sum(len(value) for field in fields for value in field.values),
        rows_total=total,
        rows_read=rows_read,
        sampling="full" if chosen.complete else chosen.how,
    )


def read_relation(
    conn: psycopg.Connection[tuple[Any, ...]], source: str, relation: Relation, limits: ReadLimits
) -> ItemContent:
    """One relation as an item; what cannot be read becomes a problem on it."""
    location = Location(source, relation.item)
    kind = "postgres.view" if relation.kind == "v" else "postgres.table"
    item = ItemContent(location, kind, sampling="not read")
    try:
        with conn.transaction():
            columns, denied = read_columns(conn, relation)
            if denied and not columns:
                item.problems.append(f"{relation.item}: permission denied for SELECT")
                return item
            size = measure(conn, relation)
            total, exact = _row_count(conn, relation, size, limits)
            chosen = sample_rows(conn, relation, size.pages, columns, total, exact, limits)
    except psycopg.OperationalError as exc:
        if conn.broken or conn.closed:
            raise DataSourceError(
                f"{source}: connection lost while reading {relation.item}: {_reason(exc)}"
            ) from None
        item.problems.append(f"{relation.item}: {_reason(exc)}")
        return item
    except psycopg.Error as exc:
        item.problems.append(f"{relation.item}: {_reason(exc)}")
        return item
    content = _content(location, relation, size, columns, chosen, total)
    if denied:
        content.problems.append(
            f"{relation.item}: permission denied for SELECT on columns {', '.join(denied)}"
        )
    return content


def read_database(
    dsn: str,
    limits: ReadLimits,
    *,
    schemas: Sequence[str] | None = None,
    connect_timeout: float = 10.0,
    include_views: bool = False,
    statement_timeout: float = 30.0,
    lock_timeout: float = 5.0,
) -> Iterator[ItemContent]:
    """Every table (and, when asked, view) of the database as an item of column samples.

    Views are left out by default: they re-read tables already sampled and can hide
    arbitrarily expensive queries. Foreign tables are never read (they query other systems).
    Raises :class:`DataSourceError` (from the first ``next()``) when the database cannot be
    reached or listed, or when the connection is lost mid-scan.
    """
    source = redacted_source(dsn)
    conn = connect_read_only(
        dsn,
        connect_timeout=connect_timeout,
        statement_timeout=statement_timeout,
        lock_timeout=lock_timeout,
    )
    with conn:
        try:
            relations = list_relations(conn, schemas, include_views)
        except psycopg.Error as exc:
            raise DataSourceError(f"{source}: cannot list tables: {_reason(exc)}") from None
        for relation in relations:
            yield read_relation(conn, source, relation, limits)
