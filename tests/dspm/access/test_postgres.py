"""The catalog of a real PostgreSQL server, and effective access computed from it.

Roles are cluster-wide and the server is shared, so everything planted here carries a unique
prefix and is dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, LiteralString

import psycopg
import pytest
from psycopg import sql

from stackward.dspm.access import Access, Catalog, effective_access, read_catalog
from stackward.dspm.access.model import PUBLIC, TABLE_PRIVILEGES
from tests.postgres import (
    OWNER,
    PostgresServer,
    postgres_server,  # noqa: F401 - pytest fixture
)

ROLES: dict[str, LiteralString] = {
    "analysts": "NOLOGIN",
    "team": "NOLOGIN",
    "app_login": "LOGIN",
    "auditor": "LOGIN NOINHERIT",
    "deep_login": "LOGIN",
    "data_owner": "NOLOGIN",
    "root": "LOGIN SUPERUSER",
    "stranger": "LOGIN",
    "reporting": "LOGIN",
}
MEMBERSHIPS = (
    ("analysts", "app_login"),
    ("analysts", "auditor"),
    ("analysts", "team"),
    ("team", "deep_login"),
    ("pg_read_all_data", "reporting"),
)
PLANT: tuple[LiteralString, ...] = (
    "CREATE SCHEMA {shop}",
    "GRANT USAGE ON SCHEMA {shop} TO PUBLIC",
    "CREATE SCHEMA {vault}",
    "CREATE TABLE {shop}.customers (id int, email text)",
    "GRANT SELECT ON {shop}.customers TO PUBLIC",
    "CREATE TABLE {shop}.orders (id int, total numeric)",
    "ALTER TABLE {shop}.orders OWNER TO {data_owner}",
    "GRANT SELECT, INSERT ON {shop}.orders TO {analysts}",
    "ALTER TABLE {shop}.orders ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY own_rows ON {shop}.orders FOR SELECT TO {analysts} USING (id > 0)",
    "CREATE TABLE {shop}.customers_private (id int, email text, ssn text)",
    "GRANT SELECT (email) ON {shop}.customers_private TO {app_login}",
    "CREATE TABLE {shop}.customers_locked (id int, email text)",
    "CREATE TABLE {shop}.orders_locked (id int, total numeric)",
    "ALTER TABLE {shop}.orders_locked OWNER TO {data_owner}",
    "CREATE TABLE {vault}.secrets (id int, token text)",
    "GRANT SELECT ON {vault}.secrets TO {stranger}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {shop} GRANT SELECT ON TABLES TO {analysts}",
)


@dataclass(frozen=True, slots=True)
class Planted:
    prefix: str
    catalog: Catalog

    def role(self, short: str) -> str:
        return short if short in {OWNER, PUBLIC} or short.startswith("pg_") else self.prefix + short

    @property
    def shop(self) -> str:
        return self.prefix + "shop"

    @property
    def vault(self) -> str:
        return self.prefix + "vault"


def _names(prefix: str) -> dict[str, sql.Identifier]:
    names = {short: sql.Identifier(prefix + short) for short in ROLES}
    return {
        **names,
        "shop": sql.Identifier(prefix + "shop"),
        "vault": sql.Identifier(prefix + "vault"),
    }


def _run(conn: psycopg.Connection[Any], statement: LiteralString, prefix: str) -> None:
    conn.execute(sql.SQL(statement).format(**_names(prefix)))


@pytest.fixture(scope="module")
def planted(postgres: PostgresServer) -> Iterator[Planted]:
    prefix = f"acc{uuid.uuid4().hex[:8]}_"
    with postgres.connect_as_owner() as conn:
        try:
            for short, options in ROLES.items():
                role = sql.Identifier(prefix + short)
                conn.execute(sql.SQL("CREATE ROLE {} " + options).format(role))
            for group, member in MEMBERSHIPS:
                group_name = group if group.startswith("pg_") else prefix + group
                names = (sql.Identifier(group_name), sql.Identifier(prefix + member))
                conn.execute(sql.SQL("GRANT {} TO {}").format(*names))
            for statement in PLANT:
                _run(conn, statement, prefix)
            yield Planted(prefix, read_catalog(conn))
        finally:
            _run(conn, "DROP SCHEMA IF EXISTS {shop}, {vault} CASCADE", prefix)
            for short in ROLES:
                role = sql.Identifier(prefix + short)
                if conn.execute(
                    "SELECT 1 FROM pg_roles WHERE rolname = %s", [prefix + short]
                ).fetchone():
                    conn.execute(sql.SQL("DROP OWNED BY {}").format(role))
                    conn.execute(sql.SQL("DROP ROLE {}").format(role))


def selectors(planted: Planted, schema: str, table: str) -> dict[str, Access]:
    """Planted roles, the test superuser and PUBLIC that can SELECT ``table``, by short name."""
    shorts = {planted.role(short): short for short in [*ROLES, OWNER, PUBLIC]}
    return {
        shorts[access.principal]: access
        for access in effective_access(planted.catalog)
        if access.schema == schema
        and access.table == table
        and access.principal in shorts
        and "SELECT" in access.privileges
    }


SUPERUSERS = {OWNER: (OWNER,), "root": ("root",)}
READ_ALL = {**SUPERUSERS, "reporting": ("reporting", "pg_read_all_data")}
"""Superusers, and a member of the predefined ``pg_read_all_data``."""


@pytest.mark.parametrize(
    ("schema", "table", "expected"),
    [
        pytest.param(
            "shop",
            "customers",
            {
                **SUPERUSERS,
                PUBLIC: (PUBLIC,),
                **{short: (short, PUBLIC) for short in ROLES if short != "root"},
            },
            id="public-grant",
        ),
        pytest.param(
            "shop",
            "orders",
            {
                **SUPERUSERS,
                "data_owner": ("data_owner",),
                "analysts": ("analysts",),
                "app_login": ("app_login", "analysts"),
                "team": ("team", "analysts"),
                "deep_login": ("deep_login", "team", "analysts"),
                "reporting": ("reporting", "pg_read_all_data"),
            },
            id="group-grant-three-levels-noinherit-auditor-excluded",
        ),
        pytest.param(
            "shop",
            "customers_private",
            {
                **SUPERUSERS,
                "app_login": ("app_login",),
                "reporting": ("reporting", "pg_read_all_data"),
            },
            id="column-grant",
        ),
        pytest.param("shop", "customers_locked", READ_ALL, id="locked-twin-superuser-owned"),
        pytest.param(
            "shop",
            "orders_locked",
            {**READ_ALL, "data_owner": ("data_owner",)},
            id="locked-twin-role-owned",
        ),
        pytest.param("vault", "secrets", READ_ALL, id="grant-without-schema-usage"),
    ],
)
def test_who_can_select(
    planted: Planted, schema: str, table: str, expected: dict[str, tuple[str, ...]]
) -> None:
    found = selectors(planted, planted.prefix + schema, table)
    expected_chains = {
        short: tuple(planted.role(name) for name in via) for short, via in expected.items()
    }
    assert {short: access.via for short, access in found.items()} == expected_chains


@pytest.mark.parametrize(
    ("table", "principal", "reason", "privileges", "columns"),
    [
        pytest.param("orders", "data_owner", "owner", TABLE_PRIVILEGES, None, id="owner"),
        pytest.param("orders", "root", "superuser", TABLE_PRIVILEGES, None, id="superuser"),
        pytest.param(
            "orders", "app_login", "grant", frozenset({"SELECT", "INSERT"}), None, id="grant"
        ),
        pytest.param(
            "customers_private",
            "app_login",
            "grant",
            frozenset({"SELECT"}),
            ("email",),
            id="column",
        ),
    ],
)
def test_access_details(
    planted: Planted,
    table: str,
    principal: str,
    reason: str,
    privileges: frozenset[str],
    columns: tuple[str, ...] | None,
) -> None:
    access = selectors(planted, planted.shop, table)[principal]
    assert (access.reason, access.privileges, access.columns) == (reason, privileges, columns)


@pytest.mark.parametrize(
    ("principal", "bypasses"),
    [
        pytest.param("root", True, id="superuser"),
        pytest.param("data_owner", True, id="owner-without-force"),
        pytest.param("app_login", False, id="grantee"),
    ],
)
def test_row_level_security_is_carried(planted: Planted, principal: str, bypasses: bool) -> None:
    access = selectors(planted, planted.shop, "orders")[principal]
    assert (access.rls_enabled, access.rls_forced, access.bypasses_rls) == (True, False, bypasses)
    table = next(
        t for t in planted.catalog.tables if (t.schema, t.name) == (planted.shop, "orders")
    )
    assert [(p.name, p.command, p.roles) for p in table.policies] == [
        ("own_rows", "SELECT", (planted.role("analysts"),))
    ]


def test_catalog_as_read(planted: Planted) -> None:
    catalog = planted.catalog
    assert catalog.problems == ()
    assert catalog.server_version >= 100000
    roles = {role.name: role for role in catalog.roles}
    assert roles[planted.role("auditor")].inherit is False
    assert roles[planted.role("root")].superuser is True
    assert roles[planted.role("analysts")].can_login is False
    members = {(m.member, m.role) for m in catalog.memberships}
    assert (planted.role("deep_login"), planted.role("team")) in members
    if catalog.server_version < 160000:
        assert all(m.inherit is None and m.set is None for m in catalog.memberships)
    # The stranger's grant is collected, though it is not effective without USAGE.
    assert any(
        g.grantee == planted.role("stranger") and g.schema == planted.vault
        for g in catalog.table_grants
    )
    schemas = {s.name: s.owner for s in catalog.schemas}
    assert schemas[planted.vault] == OWNER
    assert not {"pg_catalog", "information_schema"} & set(schemas)
    usage = {(g.grantee, g.schema) for g in catalog.schema_grants if g.privilege == "USAGE"}
    assert (PUBLIC, planted.shop) in usage
    assert (PUBLIC, planted.vault) not in usage
    assert (OWNER, planted.vault) in usage  # acldefault: the owner
    assert any(
        d.schema == planted.shop
        and d.grantee == planted.role("analysts")
        and d.object_type == "table"
        and d.privilege == "SELECT"
        for d in catalog.default_privileges
    )


def test_public_schema_usage_is_read_from_its_acl(
    postgres: PostgresServer, planted: Planted
) -> None:
    """Whatever the ``public`` schema's ACL says (PUBLIC has USAGE by default before 15 and
    through its ACL from 15 on; other tests recreate it without), the catalog says the same."""
    usage = {(g.grantee, g.schema) for g in planted.catalog.schema_grants if g.privilege == "USAGE"}
    with postgres.connect_as_owner() as conn:
        row = conn.execute(
            "SELECT has_schema_privilege(%s, 'public', 'USAGE')", [planted.role("stranger")]
        ).fetchone()
    assert row is not None
    assert ((PUBLIC, "public") in usage) is row[0]


def test_agrees_with_the_server(postgres: PostgresServer, planted: Planted) -> None:
    """Whole-table privileges computed from the catalog equal the server's own answer
    (``has_table_privilege`` and USAGE on the schema) for every planted role and table."""
    tables = [
        (t.schema, t.name) for t in planted.catalog.tables if t.schema.startswith(planted.prefix)
    ]
    roles = [planted.role(short) for short in ROLES]
    computed = {
        (a.principal, a.schema, a.table, privilege)
        for a in effective_access(planted.catalog)
        if a.columns is None and a.principal in roles and (a.schema, a.table) in tables
        for privilege in a.privileges
    }
    server: set[tuple[str, str, str, str]] = set()
    with postgres.connect_as_owner() as conn:
        for role in roles:
            for schema, table in tables:
                for privilege in sorted(TABLE_PRIVILEGES):
                    row = conn.execute(
                        "SELECT has_table_privilege(%s, %s, %s) AND "
                        "has_schema_privilege(%s, %s, 'USAGE')",
                        [role, f'"{schema}"."{table}"', privilege, role, schema],
                    ).fetchone()
                    if row is not None and row[0]:
                        server.add((role, schema, table, privilege))
    assert len(tables) == 6
    assert computed == server


def test_database_owner_is_a_member_of_pg_database_owner(planted: Planted) -> None:
    if planted.catalog.server_version < 140000:
        pytest.skip("pg_database_owner exists from PostgreSQL 14")
    memberships = {(m.member, m.role) for m in planted.catalog.memberships}
    assert (OWNER, "pg_database_owner") in memberships
