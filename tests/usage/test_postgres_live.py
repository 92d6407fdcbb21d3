"""A real PostgreSQL 15+ server writes its statement log; the three formats parse to the same
uses. Two roles read and write, a denied SELECT and DDL must give nothing."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from stackward.usage.events import LogReport
from stackward.usage.postgres import read_csvlog, read_jsonlog, read_stderr
from tests.postgres import PostgresServer, postgres_bindir
from tests.usage.logging_postgres import LOG_LINE_PREFIX, StatementLogs, statement_logs

ANALYST, ANALYST_PASSWORD = "analyst_u", "analyst-test-password"
LOADER, LOADER_PASSWORD = "loader_u", "loader-test-password"

EXPECTED = {
    (ANALYST, "read", "postgresql:///postgres/public.customers", "SELECT"),
    (ANALYST, "read", "postgresql:///postgres/public.customers", "COPY TO"),
    (ANALYST, "read", "postgresql:///postgres/crm.orders", "SELECT"),
    (LOADER, "write", "postgresql:///postgres/crm.orders", "INSERT"),
    (LOADER, "write", "postgresql:///postgres/crm.orders", "COPY FROM"),
}


def _session(server: PostgresServer) -> None:
    with psycopg.connect(server.owner_dsn, autocommit=True) as owner:
        owner.execute("CREATE SCHEMA crm")
        owner.execute("CREATE TABLE customers (id int, email text)")
        owner.execute("CREATE TABLE crm.orders (id int, customer int)")
        owner.execute(f"CREATE ROLE {ANALYST} LOGIN PASSWORD '{ANALYST_PASSWORD}'")
        owner.execute(f"CREATE ROLE {LOADER} LOGIN PASSWORD '{LOADER_PASSWORD}'")
        owner.execute(f"GRANT USAGE ON SCHEMA crm TO {ANALYST}, {LOADER}")
        owner.execute(f"GRANT SELECT ON customers, crm.orders TO {ANALYST}")
        owner.execute(f"GRANT INSERT ON crm.orders TO {LOADER}")
    with psycopg.connect(server.dsn(ANALYST, ANALYST_PASSWORD), autocommit=True) as analyst:
        analyst.execute("SELECT id,\n       email\n  FROM customers\n WHERE email LIKE '%@x'")
        analyst.execute("SELECT count(*) FROM crm.orders WHERE 'delete from customers' <> ''")
        with analyst.cursor() as cursor, cursor.copy("COPY customers TO STDOUT") as copy:
            for _ in copy:
                pass
    with psycopg.connect(server.dsn(LOADER, LOADER_PASSWORD), autocommit=True) as loader:
        loader.execute("INSERT INTO crm.orders VALUES (%s, %s)", (1, 2))
        with loader.cursor() as cursor, cursor.copy("COPY crm.orders FROM STDIN") as copy:
            copy.write_row((3, 4))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            loader.execute("SELECT email FROM customers")  # denied: no use
        loader.execute("-- a comment only\nSELECT 1")


@pytest.fixture(scope="module")
def logs() -> Iterator[StatementLogs]:
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    version = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
    ).stdout
    if int(version.split()[-1].split(".")[0]) < 15:
        pytest.skip(f"jsonlog needs PostgreSQL 15+, found {version.strip()}")
    with statement_logs(bindir, _session) as found:
        yield found


def _read(fmt: str, path: Path) -> tuple[set[tuple[str, str, str, str]], LogReport]:
    problems = LogReport(str(path))
    if fmt == "stderr":
        events = list(read_stderr(path, problems, LOG_LINE_PREFIX))
    elif fmt == "csv":
        events = list(read_csvlog(path, problems))
    else:
        events = list(read_jsonlog(path, problems))
    assert all(e.time.tzinfo is not None and e.line > 0 for e in events)
    used = {
        (e.principal, e.action, e.target, e.operation)
        for e in events
        if e.principal in (ANALYST, LOADER)
    }
    return used, problems


@pytest.mark.parametrize("fmt", ["stderr", "csv", "json"])
def test_real_statement_log_gives_the_session_uses(logs: StatementLogs, fmt: str) -> None:
    path = {"stderr": logs.stderr, "csv": logs.csv, "json": logs.json}[fmt]
    used, problems = _read(fmt, path)
    assert used == EXPECTED
    assert problems.count == 0, problems.examples


def test_denied_select_is_in_the_log_but_not_a_use(logs: StatementLogs) -> None:
    text = logs.stderr.read_text(encoding="utf-8")
    assert "permission denied for table customers" in text
    used, _ = _read("stderr", logs.stderr)
    assert not any(p == LOADER and "customers" in t for p, _, t, _ in used)
