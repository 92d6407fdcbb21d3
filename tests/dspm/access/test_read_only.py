"""``read_catalog`` reads in a read-only transaction, leaves the connection as found, and turns
catalog errors into problems."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from stackward.dspm.access import read_catalog
from tests.postgres import (
    PostgresServer,
    postgres_server,  # noqa: F401 - pytest fixture
)


class RecordingConnection(psycopg.Connection[Any]):
    """Records each statement sent and whether the transaction was read-only right after it."""

    statements: list[tuple[str, str]]

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        cursor = super().execute(query, params, **kwargs)
        if isinstance(query, str) and query.lstrip().upper().startswith("SELECT"):
            state = super().execute("SHOW transaction_read_only").fetchone()
            self.statements.append((query, state[0] if state else "?"))
        return cursor


@pytest.fixture
def recording(postgres: PostgresServer) -> Iterator[RecordingConnection]:
    with RecordingConnection.connect(postgres.owner_dsn, autocommit=True) as conn:
        conn.statements = []
        yield conn


def test_every_query_runs_read_only(recording: RecordingConnection) -> None:
    catalog = read_catalog(recording)
    assert catalog.problems == ()
    assert len(recording.statements) >= 8
    assert {state for _, state in recording.statements} == {"on"}


@pytest.mark.parametrize("autocommit", [True, False], ids=["autocommit", "transactional"])
def test_connection_left_unchanged(postgres: PostgresServer, autocommit: bool) -> None:
    with psycopg.connect(postgres.owner_dsn, autocommit=autocommit) as conn:
        catalog = read_catalog(conn)
        assert catalog.tables is not None and catalog.problems == ()
        assert conn.autocommit is autocommit
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        state = conn.execute("SHOW transaction_read_only").fetchone()
        assert state == ("off",)


def test_open_transaction_is_refused(postgres: PostgresServer) -> None:
    with psycopg.connect(postgres.owner_dsn) as conn:
        conn.execute("SELECT 1")
        catalog = read_catalog(conn)
        assert catalog.roles == ()
        assert catalog.problems == ("catalog: the connection has a transaction open; not read",)


def test_closed_connection_is_a_problem(postgres: PostgresServer) -> None:
    conn = psycopg.connect(postgres.owner_dsn)
    conn.close()
    assert read_catalog(conn).problems == ("catalog: the connection is closed; not read",)


def test_unreadable_catalog_is_a_problem_not_an_exception(postgres: PostgresServer) -> None:
    with postgres.connect_as_owner() as owner:
        owner.execute("REVOKE SELECT ON pg_catalog.pg_policy FROM PUBLIC")
        try:
            with psycopg.connect(postgres.dsn(), autocommit=True) as conn:
                catalog = read_catalog(conn)
        finally:
            owner.execute("GRANT SELECT ON pg_catalog.pg_policy TO PUBLIC")
    assert len(catalog.problems) == 1
    assert catalog.problems[0].startswith("catalog policies: InsufficientPrivilege: permission")
    assert "password" not in catalog.problems[0]
    assert catalog.roles and catalog.schemas, "the other parts are still read"
