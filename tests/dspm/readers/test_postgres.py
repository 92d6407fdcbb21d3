"""The PostgreSQL reader against a real server: columns, sampling, privileges, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest

from stackward.dspm.readers.postgres import (
    MAX_VALUE_CHARS,
    DataSourceError,
    connect_read_only,
    list_relations,
    read_database,
    read_relation,
    redacted_source,
)
from stackward.dspm.records import FieldSample, ItemContent, ReadLimits
from tests.postgres import (
    OWNER,
    READER,
    READER_PASSWORD,
    PostgresServer,
    postgres_server,  # noqa: F401 - pytest fixture
)

LIMITS = ReadLimits(sample_rows=1000)  # the sizes below are planted against this sample
CUSTOMERS = 60
EVENTS = 200_000
TEST_CARDS = ("4111111111111111", "5555555555554444", "378282246310005", "6011111111111117")
FIRST_NAMES = ("Avery", "Blake", "Casey", "Devon", "Emerson", "Finley")
LAST_NAMES = ("Marlowe", "Quill", "Thornbury", "Vance", "Whitlock")


def _customer(i: int) -> tuple[object, ...]:
    """Synthetic people: example.com mail, 555-01xx phones, SSNs in valid ranges, test cards."""
    name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]}"
    return (
        f"customer{i}@example.com",
        f"+1 202-555-{100 + i % 100:04d}",
        f"{123 + i:03d}-{45 + i % 40:02d}-{6789 + i:04d}",
        TEST_CARDS[i % len(TEST_CARDS)],
        name,
        f"ORD-{100000 + i}",
        f"{19.99 + i:.2f}",
        ("active", "closed", "pending")[i % 3],
        b"\x89PNG\r\n",
    )


PLANT = """
CREATE SCHEMA archive;
CREATE TABLE customers (
    id serial PRIMARY KEY, email text, phone varchar(32), ssn char(11), card_number text,
    full_name text, order_no text, price numeric(10, 2), status text,
    signed_up date DEFAULT date '2024-01-02', photo bytea, empty_note text);
CREATE TABLE events (id bigint PRIMARY KEY, kind text, amount numeric, seen date);
INSERT INTO events SELECT g, 'kind-' || (g % 7), g % 1000, date '2024-01-01' + (g % 300)
    FROM generate_series(1, 200000) g;
CREATE TABLE sparse (id int PRIMARY KEY, label text);
INSERT INTO sparse SELECT g, 'label-' || g FROM generate_series(1, 100000) g;
CREATE TABLE thinned (id int PRIMARY KEY, label text);
INSERT INTO thinned SELECT g, 'label-' || g FROM generate_series(1, 100000) g;
CREATE TABLE orders (id int, placed date, contact text) PARTITION BY RANGE (placed);
CREATE TABLE orders_2023 PARTITION OF orders FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE orders_2024 PARTITION OF orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO orders SELECT g, date '2023-01-01' + (g % 700), 'buyer' || g || '@example.net'
    FROM generate_series(1, 40000) g;
CREATE TABLE documents (body text);
INSERT INTO documents VALUES (repeat('x', 200000));
CREATE TABLE vault (id int, api_token text);
INSERT INTO vault VALUES (1, 'not-for-the-reader');
CREATE TABLE partial (id int, note text, salary numeric);
INSERT INTO partial VALUES (1, 'visible', 1000), (2, 'also visible', 2000);
CREATE TABLE locked (id int, label text);
INSERT INTO locked VALUES (1, 'a');
CREATE VIEW customer_contacts AS SELECT full_name, email FROM customers;
CREATE MATERIALIZED VIEW status_counts AS SELECT status, count(*) AS n FROM customers GROUP BY 1;
CREATE TABLE archive.old_customers (email text, closed date);
INSERT INTO archive.old_customers VALUES ('former@example.com', date '2020-05-06');
"""

GRANTS = """
GRANT USAGE ON SCHEMA public, archive TO reader;
GRANT SELECT ON customers, documents, events, sparse, thinned, orders, locked, customer_contacts, status_counts,
    archive.old_customers TO reader;
GRANT SELECT (id, note) ON partial TO reader;
"""


@pytest.fixture(scope="module")
def database(postgres: PostgresServer) -> PostgresServer:
    with postgres.connect_as_owner() as conn:
        conn.execute("DROP SCHEMA IF EXISTS archive CASCADE")
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
        conn.execute(PLANT)
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO customers (email, phone, ssn, card_number, full_name, order_no,"
                " price, status, photo) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [_customer(i) for i in range(CUSTOMERS)],
            )
        conn.execute("REFRESH MATERIALIZED VIEW status_counts")
        conn.execute("ANALYZE")
        # Statistics now say 100,000 rows; most pages hold only dead rows.
        conn.execute("DELETE FROM sparse WHERE id > 500")
        # And here 2,000 rows are left, spread thinly over every page.
        conn.execute("DELETE FROM thinned WHERE id % 50 <> 0")
        conn.execute(GRANTS)
    return postgres


def _items(server: PostgresServer, **options: object) -> dict[str, ItemContent]:
    limits = options.pop("limits", LIMITS)
    assert isinstance(limits, ReadLimits)
    items = read_database(server.dsn(), limits, **options)  # type: ignore[arg-type]
    return {item.location.item: item for item in items}


def _fields(item: ItemContent) -> dict[str, FieldSample]:
    return {sample.name: sample for sample in item.fields}


@pytest.fixture(scope="module")
def items(database: PostgresServer) -> dict[str, ItemContent]:
    return _items(database)


def test_lists_tables_partitioned_parents_and_materialized_views_not_views(
    items: dict[str, ItemContent],
) -> None:
    assert sorted(items) == [
        "archive.old_customers",
        "public.customers",
        "public.documents",
        "public.events",
        "public.locked",
        "public.orders",
        "public.partial",
        "public.sparse",
        "public.status_counts",
        "public.thinned",
        "public.vault",
    ]
    assert {item.kind for item in items.values()} == {"postgres.table"}


def test_location_names_the_database_without_the_password(
    database: PostgresServer, items: dict[str, ItemContent]
) -> None:
    customers = items["public.customers"]
    assert customers.location.source == f"postgresql://reader@127.0.0.1:{database.port}/shop"
    assert customers.fields[0].location.field == customers.fields[0].name
    assert READER_PASSWORD not in repr(list(items.values()))


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        pytest.param("email", {_customer(i)[0] for i in range(CUSTOMERS)}, id="email"),
        pytest.param("phone", {_customer(i)[1] for i in range(CUSTOMERS)}, id="phone"),
        pytest.param("ssn", {_customer(i)[2] for i in range(CUSTOMERS)}, id="ssn-char"),
        pytest.param("card_number", set(TEST_CARDS), id="card"),
        pytest.param("full_name", {_customer(i)[4] for i in range(CUSTOMERS)}, id="name"),
        pytest.param("order_no", {_customer(i)[5] for i in range(CUSTOMERS)}, id="order-no"),
        pytest.param("price", {_customer(i)[6] for i in range(CUSTOMERS)}, id="numeric-as-text"),
        pytest.param("status", {"active", "closed", "pending"}, id="status"),
        pytest.param("signed_up", {"2024-01-02"}, id="date-as-text"),
        pytest.param("id", {str(i) for i in range(1, CUSTOMERS + 1)}, id="serial-id"),
    ],
)
def test_small_table_is_read_whole_per_column(
    items: dict[str, ItemContent], column: str, expected: set[str]
) -> None:
    customers = items["public.customers"]
    sample = _fields(customers)[column]
    assert set(sample.values) == expected
    assert (sample.rows_read, sample.rows_total) == (CUSTOMERS, CUSTOMERS)
    assert customers.sampling == "full"
    assert not customers.problems


@pytest.mark.parametrize(
    ("column", "why"),
    [
        pytest.param("photo", "bytea is not text", id="bytea-skipped"),
        pytest.param("empty_note", "only NULLs", id="all-null-kept-empty"),
    ],
)
def test_unreadable_or_empty_columns(items: dict[str, ItemContent], column: str, why: str) -> None:
    fields = _fields(items["public.customers"])
    if column == "photo":
        assert column not in fields, why
    else:
        assert fields[column].values == [], why
        assert fields[column].rows_read == CUSTOMERS


@pytest.mark.parametrize("sample_rows", [1000, 100], ids=["1000-rows", "100-rows"])
@pytest.mark.parametrize(
    ("table", "total"),
    [
        pytest.param("public.events", EVENTS, id="200k-row-table"),
        pytest.param("public.orders", 40_000, id="partitioned-parent"),
    ],
)
def test_large_tables_are_sampled_with_tablesample(
    database: PostgresServer, table: str, total: int, sample_rows: int
) -> None:
    limits = replace(LIMITS, sample_rows=sample_rows)
    item = _items(database, limits=limits, schemas=["public"])[table]
    assert item.sampling.startswith("TABLESAMPLE SYSTEM (")
    assert f"REPEATABLE (0): {item.rows_read:,} of ~{item.rows_total:,} rows" in item.sampling
    assert item.rows_total is not None and abs(item.rows_total - total) < total // 10
    assert item.rows_read == sample_rows
    assert all(sample.rows_read == item.rows_read for sample in item.fields)
    ids = [int(value) for value in _fields(item)["id"].values]
    assert len(set(ids)) == sample_rows
    assert max(ids) - min(ids) > total // 2, "the sample covers the table, not its first pages"


def test_sampling_is_repeatable_by_seed(database: PostgresServer) -> None:
    def ids(seed: int) -> list[str]:
        events = _items(database, limits=replace(LIMITS, seed=seed), schemas=["public"])
        return _fields(events["public.events"])["id"].values

    assert ids(7) == ids(7)
    assert ids(7) != ids(8)


def test_too_few_sampled_rows_fall_back_to_reading_more(items: dict[str, ItemContent]) -> None:
    sparse = items["public.sparse"]
    assert "TABLESAMPLE SYSTEM" in sparse.sampling and " gave " in sparse.sampling
    assert sparse.rows_read == 500
    assert set(_fields(sparse)["id"].values) == {str(i) for i in range(1, 501)}


def test_thin_tables_fall_back_to_page_ranges(items: dict[str, ItemContent]) -> None:
    thinned = items["public.thinned"]
    assert thinned.sampling.startswith("16 seeded page ranges (TABLESAMPLE SYSTEM (")
    ids = [int(value) for value in _fields(thinned)["id"].values]
    assert len(ids) == len(set(ids)) == thinned.rows_read >= LIMITS.sample_rows // 2
    assert all(i % 50 == 0 for i in ids)
    assert max(ids) - min(ids) > 50_000


def test_huge_values_are_cut_in_sql(items: dict[str, ItemContent]) -> None:
    body = _fields(items["public.documents"])["body"]
    assert [len(value) for value in body.values] == [MAX_VALUE_CHARS]


def test_byte_budget_stops_reading(database: PostgresServer) -> None:
    limits = replace(LIMITS, max_bytes_per_item=2_000)
    customers = _items(database, limits=limits, schemas=["public"])["public.customers"]
    assert customers.sampling.startswith("first ")
    assert customers.sampling.endswith(f"of {CUSTOMERS} rows, cut at 2,000 bytes")
    assert 0 < customers.rows_read < CUSTOMERS


def test_full_scan_reads_every_row(database: PostgresServer) -> None:
    limits = replace(LIMITS, full_scan=True)
    events = _items(database, limits=limits, schemas=["public"])["public.events"]
    assert (events.rows_read, events.rows_total, events.sampling) == (EVENTS, EVENTS, "full")
    assert len(_fields(events)["id"].values) == EVENTS


@pytest.mark.parametrize(
    ("table", "problem", "fields"),
    [
        pytest.param("public.vault", "public.vault: permission denied", set(), id="no-grant"),
        pytest.param(
            "public.partial",
            "public.partial: permission denied for SELECT on columns salary",
            {"id", "note"},
            id="column-grant",
        ),
    ],
)
def test_privileges_missing_are_problems_not_crashes(
    items: dict[str, ItemContent], table: str, problem: str, fields: set[str]
) -> None:
    item = items[table]
    assert [p for p in item.problems if p.startswith(problem)], item.problems
    assert set(_fields(item)) == fields


def test_views_are_read_only_when_asked(database: PostgresServer) -> None:
    view = _items(database, include_views=True)["public.customer_contacts"]
    assert view.kind == "postgres.view"
    assert set(_fields(view)) == {"full_name", "email"}
    assert len(_fields(view)["email"].values) == CUSTOMERS
    assert view.sampling == "full"


@pytest.mark.parametrize(
    ("schemas", "expected"),
    [
        pytest.param(["archive"], {"archive.old_customers"}, id="one-schema"),
        pytest.param(["archive", "public"], None, id="both-schemas"),
        pytest.param([], set(), id="no-schemas"),
        pytest.param(["missing"], set(), id="unknown-schema"),
        pytest.param(["ARCHIVE"], set(), id="names-are-exact"),
    ],
)
def test_schema_filter(
    database: PostgresServer,
    items: dict[str, ItemContent],
    schemas: list[str],
    expected: set[str] | None,
) -> None:
    found = set(_items(database, schemas=schemas))
    assert found == (set(items) if expected is None else expected)


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("INSERT INTO customers (email) VALUES ('new@example.com')", id="insert"),
        pytest.param("UPDATE customers SET status = 'x'", id="update"),
        pytest.param("DELETE FROM events", id="delete"),
        pytest.param("CREATE TABLE intruder (id int)", id="create"),
        pytest.param("TRUNCATE events", id="truncate"),
    ],
)
def test_session_is_read_only_even_for_a_superuser(
    database: PostgresServer, statement: str
) -> None:
    with connect_read_only(database.owner_dsn) as conn:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute(statement)
        with conn.transaction(), pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute(statement)


@pytest.fixture
def locked_table(database: PostgresServer) -> Iterator[None]:
    with database.connect_as_owner() as conn, conn.transaction():
        conn.execute("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE")
        yield


@pytest.mark.usefixtures("locked_table")
def test_lock_timeout_is_a_problem_on_that_table(database: PostgresServer) -> None:
    found = _items(database, lock_timeout=0.2, schemas=["public"])
    assert found["public.locked"].problems == [
        "public.locked: canceling statement due to lock timeout (55P03)"
    ]
    assert not found["public.customers"].problems


def test_dropped_table_is_a_problem(database: PostgresServer) -> None:
    with database.connect_as_owner() as owner:
        owner.execute("CREATE TABLE doomed (email text)")
        owner.execute("GRANT SELECT ON doomed TO reader")
        with connect_read_only(database.dsn()) as conn:
            doomed = [r for r in list_relations(conn, ["public"], False) if r.name == "doomed"]
            owner.execute("DROP TABLE doomed")
            item = read_relation(conn, redacted_source(database.dsn()), doomed[0], LIMITS)
    assert item.problems and item.problems[0].startswith("public.doomed: ")
    assert not item.fields


def test_connection_lost_mid_scan_is_an_error(database: PostgresServer) -> None:
    items = read_database(database.dsn(), LIMITS, schemas=["public"])
    first = next(items)
    assert first.location.item == "public.customers"
    with database.connect_as_owner() as owner:
        owner.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'stackward-dspm'"
        )
    with pytest.raises(DataSourceError) as caught:
        next(items)
    assert str(caught.value).startswith(
        f"postgresql://reader@127.0.0.1:{database.port}/shop: connection lost while reading "
    )


@pytest.mark.parametrize(
    ("dsn_of", "message"),
    [
        pytest.param(
            lambda s: s.dsn(READER, "wrong-password-value"),
            "cannot connect to postgresql://reader@127.0.0.1:{port}/shop: ",
            id="bad-password",
        ),
        pytest.param(
            lambda s: s.dsn(READER).replace("/shop", "/nosuchdb"),
            "cannot connect to postgresql://reader@127.0.0.1:{port}/nosuchdb: ",
            id="no-database",
        ),
        pytest.param(
            lambda s: f"host=127.0.0.1 port=1 dbname=shop user=reader password={READER_PASSWORD}",
            "cannot connect to postgresql://reader@127.0.0.1:1/shop: ",
            id="nothing-listening",
        ),
        pytest.param(
            lambda s: "postgresql://reader:pw@[bad",
            "invalid PostgreSQL connection string",
            id="malformed",
        ),
    ],
)
def test_connection_failures_are_clear_errors_without_passwords(
    database: PostgresServer, dsn_of: object, message: str
) -> None:
    assert callable(dsn_of)
    dsn = dsn_of(database)
    with pytest.raises(DataSourceError) as caught:
        list(read_database(dsn, LIMITS, connect_timeout=2))
    text = str(caught.value)
    assert text.startswith(message.format(port=database.port))
    for secret in ("wrong-password-value", READER_PASSWORD, ":pw@"):
        assert secret not in text


@pytest.mark.parametrize(
    ("dsn", "source"),
    [
        pytest.param("postgresql://u:secret@db.internal:6543/crm", "postgresql://u@db.internal:6543/crm", id="url"),
        pytest.param("host=db user=u password=secret dbname=crm", "postgresql://u@db:5432/crm", id="keywords"),
        pytest.param("postgresql:///crm?host=/run/pg", "postgresql://%2Frun%2Fpg:5432/crm", id="socket"),
        pytest.param("postgresql://db.internal", "postgresql://db.internal:5432/postgres", id="bare"),
    ],
)  # fmt: skip
def test_redacted_source(dsn: str, source: str) -> None:
    assert redacted_source(dsn) == source
    assert "secret" not in redacted_source(dsn)


def test_superuser_sees_what_the_reader_cannot(database: PostgresServer) -> None:
    """The same database read as its owner has no permission problems: they were real."""
    owner_items = {
        item.location.item: item
        for item in read_database(database.owner_dsn, LIMITS, schemas=["public"])
    }
    assert not owner_items["public.vault"].problems
    assert owner_items["public.vault"].location.source.startswith(f"postgresql://{OWNER}@")
    assert _fields(owner_items["public.vault"])["api_token"].values == ["not-for-the-reader"]
