"""Read the access-relevant catalog of a PostgreSQL database, read-only and set-based.

Everything runs in one ``READ ONLY`` transaction that is rolled back at the end, so the
connection is left as it was found; only ``SELECT`` statements on ``pg_catalog`` are sent, a
handful of them whatever the number of tables. Each part runs under its own savepoint: a part
that cannot be read (say, permission denied on a catalog) becomes a problem string on the
:class:`Catalog` and the other parts are still collected. ``pg_catalog``,
``information_schema`` and the toast and temporary schemas are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, LiteralString, TypeVar

import psycopg
from psycopg.pq import TransactionStatus

from stackward.dspm.access.model import (
    Catalog,
    DefaultPrivilege,
    Membership,
    Policy,
    Role,
    Schema,
    SchemaGrant,
    Table,
    TableGrant,
)

PG16 = 160000
"""``pg_auth_members.inherit_option`` and ``set_option`` exist from this version."""

_ROLE_NAME = "CASE WHEN {oid} = 0 THEN 'PUBLIC' ELSE pg_get_userbyid({oid}) END"
_RELATION_KINDS = {
    "r": "table",
    "p": "partitioned table",
    "v": "view",
    "m": "materialized view",
    "f": "foreign table",
}
_POLICY_COMMANDS = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}
_DEFAULT_ACL_TYPES = {
    "r": "table",
    "S": "sequence",
    "f": "function",
    "T": "type",
    "n": "schema",
    "L": "large object",
}

ROLES: LiteralString = """
    SELECT rolname, rolsuper, rolcanlogin, rolinherit, rolbypassrls FROM pg_catalog.pg_roles
"""
MEMBERSHIPS_BEFORE_16: LiteralString = """
    SELECT m.rolname, r.rolname, a.admin_option, NULL::bool, NULL::bool
    FROM pg_catalog.pg_auth_members a
    JOIN pg_catalog.pg_roles r ON r.oid = a.roleid
    JOIN pg_catalog.pg_roles m ON m.oid = a.member
"""
MEMBERSHIPS: LiteralString = """
    SELECT m.rolname, r.rolname, a.admin_option, a.inherit_option, a.set_option
    FROM pg_catalog.pg_auth_members a
    JOIN pg_catalog.pg_roles r ON r.oid = a.roleid
    JOIN pg_catalog.pg_roles m ON m.oid = a.member
"""
DATABASE_OWNER: LiteralString = """
    SELECT pg_catalog.pg_get_userbyid(d.datdba)
    FROM pg_catalog.pg_database d
    WHERE d.datname = pg_catalog.current_database()
      AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pg_database_owner')
"""
SCHEMAS: LiteralString = """
    SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner)
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
"""
SCHEMA_GRANTS: LiteralString = """
    SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC'
                ELSE pg_catalog.pg_get_userbyid(acl.grantee) END,
           n.nspname, acl.privilege_type
    FROM pg_catalog.pg_namespace n,
         LATERAL pg_catalog.aclexplode(
             COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) acl
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
"""
TABLES: LiteralString = """
    SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner), c.relkind::text,
           c.relrowsecurity, c.relforcerowsecurity
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
"""
TABLE_GRANTS: LiteralString = """
    SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC'
                ELSE pg_catalog.pg_get_userbyid(acl.grantee) END,
           n.nspname, c.relname, acl.privilege_type, NULL::text[],
           pg_catalog.pg_get_userbyid(acl.grantor), acl.is_grantable
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
         LATERAL pg_catalog.aclexplode(
             COALESCE(c.relacl, pg_catalog.acldefault('r', c.relowner))) acl
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
"""
COLUMN_GRANTS: LiteralString = """
    SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC'
                ELSE pg_catalog.pg_get_userbyid(acl.grantee) END AS grantee,
           n.nspname, c.relname, acl.privilege_type,
           array_agg(a.attname::text ORDER BY a.attname),
           pg_catalog.pg_get_userbyid(acl.grantor), acl.is_grantable
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
         LATERAL pg_catalog.aclexplode(a.attacl) acl
    WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    GROUP BY 1, n.nspname, c.relname, acl.privilege_type, acl.grantor, acl.is_grantable
"""
DEFAULT_PRIVILEGES: LiteralString = """
    SELECT pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype::text,
           CASE WHEN acl.grantee = 0 THEN 'PUBLIC'
                ELSE pg_catalog.pg_get_userbyid(acl.grantee) END,
           acl.privilege_type
    FROM pg_catalog.pg_default_acl d
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace,
         LATERAL pg_catalog.aclexplode(d.defaclacl) acl
"""
POLICIES: LiteralString = """
    SELECT n.nspname, c.relname, p.polname, p.polcmd::text, p.polpermissive,
           ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(r) END
                 FROM unnest(p.polroles) AS r ORDER BY 1)
    FROM pg_catalog.pg_policy p
    JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    ORDER BY 1, 2, 3
"""

Row = tuple[Any, ...]
T = TypeVar("T")


def read_catalog(conn: psycopg.Connection[Any]) -> Catalog:
    """The catalog of the database ``conn`` is connected to, read in a read-only transaction.

    ``conn`` must be idle (no transaction open); it is left idle and unchanged.
    """
    if conn.closed:
        return Catalog(problems=("catalog: the connection is closed; not read",))
    if conn.info.transaction_status != TransactionStatus.IDLE:
        return Catalog(problems=("catalog: the connection has a transaction open; not read",))
    version = conn.info.server_version
    reader = _PartReader(conn)
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("SET TRANSACTION READ ONLY")
            catalog = _read_parts(reader, version)
    except psycopg.Error as exc:
        return Catalog(server_version=version, problems=(f"catalog: {_describe(exc)}",))
    return catalog


def _read_parts(reader: _PartReader, version: int) -> Catalog:
    memberships = MEMBERSHIPS if version >= PG16 else MEMBERSHIPS_BEFORE_16
    roles = reader.read("roles", ROLES, lambda r: Role(*r))
    members = reader.read("role memberships", memberships, lambda r: Membership(*r))
    members += reader.read("database owner", DATABASE_OWNER, _database_owner_membership)
    schemas = reader.read("schemas", SCHEMAS, lambda r: Schema(*r))
    schema_grants = reader.read("schema grants", SCHEMA_GRANTS, lambda r: SchemaGrant(*r))
    policies = _policies_by_table(reader.read("policies", POLICIES, lambda r: r))
    tables = reader.read("tables", TABLES, lambda r: _table(r, policies))
    grants = reader.read("table grants", TABLE_GRANTS, _grant)
    column_grants = reader.read("column grants", COLUMN_GRANTS, _grant)
    defaults = reader.read("default privileges", DEFAULT_PRIVILEGES, _default_privilege)
    return Catalog(
        server_version=version,
        roles=roles,
        memberships=members,
        schemas=schemas,
        schema_grants=schema_grants,
        tables=tables,
        table_grants=grants + column_grants,
        default_privileges=defaults,
        problems=tuple(reader.problems),
    )


class _PartReader:
    """Runs one catalog query under a savepoint; a failure is recorded, not raised."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.problems: list[str] = []

    def read(self, part: str, query: LiteralString, build: Callable[[Row], T]) -> tuple[T, ...]:
        try:
            with self.conn.transaction():
                rows = self.conn.execute(query).fetchall()
        except psycopg.Error as exc:
            self.problems.append(f"catalog {part}: {_describe(exc)}")
            return ()
        return tuple(build(row) for row in rows)


def _table(row: Row, policies: dict[tuple[str, str], tuple[Policy, ...]]) -> Table:
    schema, name, owner, kind, rls, forced = row
    return Table(
        schema, name, owner, _RELATION_KINDS.get(kind, str(kind)), rls, forced,
        policies.get((schema, name), ()),
    )  # fmt: skip


def _policies_by_table(rows: Sequence[Row]) -> dict[tuple[str, str], tuple[Policy, ...]]:
    found: dict[tuple[str, str], list[Policy]] = {}
    for schema, table, name, command, permissive, roles in rows:
        policy = Policy(name, _POLICY_COMMANDS.get(command, str(command)), tuple(roles), permissive)
        found.setdefault((schema, table), []).append(policy)
    return {key: tuple(policies) for key, policies in found.items()}


def _database_owner_membership(row: Row) -> Membership:
    """``pg_database_owner`` (PostgreSQL 14+) has one implicit member, the database's owner,
    that ``pg_auth_members`` does not list; it owns the ``public`` schema from 15 on."""
    return Membership(row[0], "pg_database_owner")


def _grant(row: Row) -> TableGrant:
    grantee, schema, table, privilege, columns, grantor, grantable = row
    return TableGrant(
        grantee, schema, table, privilege,
        tuple(columns) if columns is not None else None, grantor, grantable,
    )  # fmt: skip


def _default_privilege(row: Row) -> DefaultPrivilege:
    owner, schema, object_type, grantee, privilege = row
    return DefaultPrivilege(
        owner, schema, _DEFAULT_ACL_TYPES.get(object_type, str(object_type)), grantee, privilege
    )


def _describe(exc: psycopg.Error) -> str:
    """The server's message (first line), never the connection string."""
    lines = (exc.diag.message_primary or str(exc)).splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else 'no message'}"
