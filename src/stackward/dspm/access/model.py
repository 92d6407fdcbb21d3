"""The access-relevant part of a PostgreSQL catalog, as plain immutable values.

Collected by :mod:`stackward.dspm.access.postgres`, consumed by
:mod:`stackward.dspm.access.effective`; tests build them by hand. Role names are strings and
the pseudo-role ``PUBLIC`` (every role) is spelled :data:`PUBLIC`.
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC = "PUBLIC"
TABLE_PRIVILEGES = frozenset(
    {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}
)
"""What a relation's owner (and a superuser) holds on it."""


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    superuser: bool = False
    can_login: bool = False
    inherit: bool = True
    """``rolinherit``: before PostgreSQL 16 it decides whether this role, as a member, uses the
    privileges of the roles it belongs to."""
    bypass_rls: bool = False


@dataclass(frozen=True, slots=True)
class Membership:
    """``member`` belongs to ``role`` (``GRANT role TO member``)."""

    member: str
    role: str
    admin: bool = False
    inherit: bool | None = None
    """PostgreSQL 16+: the grant's INHERIT option. ``None`` (older servers): the member role's
    ``rolinherit`` decides."""
    set: bool | None = None
    """PostgreSQL 16+: the grant's SET option (``SET ROLE`` allowed); ``None`` before."""


@dataclass(frozen=True, slots=True)
class TableGrant:
    grantee: str
    """A role name or :data:`PUBLIC`."""
    schema: str
    table: str
    privilege: str
    columns: tuple[str, ...] | None = None
    """Column grant on these columns; ``None`` for the whole table."""
    grantor: str = ""
    grantable: bool = False


@dataclass(frozen=True, slots=True)
class SchemaGrant:
    grantee: str
    schema: str
    privilege: str
    """USAGE or CREATE."""


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    owner: str


@dataclass(frozen=True, slots=True)
class Policy:
    """A row-level security policy (``pg_policy``)."""

    name: str
    command: str
    """ALL, SELECT, INSERT, UPDATE or DELETE."""
    roles: tuple[str, ...]
    permissive: bool = True


@dataclass(frozen=True, slots=True)
class Table:
    schema: str
    name: str
    owner: str
    kind: str = "table"
    """table, partitioned table, view, materialized view or foreign table."""
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: tuple[Policy, ...] = ()


@dataclass(frozen=True, slots=True)
class DefaultPrivilege:
    """``ALTER DEFAULT PRIVILEGES``: what objects ``owner`` creates later will grant."""

    owner: str
    schema: str | None
    """``None``: in every schema."""
    object_type: str
    """table, sequence, function, type, schema or large object."""
    grantee: str
    privilege: str


@dataclass(frozen=True, slots=True)
class Catalog:
    server_version: int = 0
    """``server_version_num``, e.g. 150004."""
    roles: tuple[Role, ...] = ()
    memberships: tuple[Membership, ...] = ()
    schemas: tuple[Schema, ...] = ()
    schema_grants: tuple[SchemaGrant, ...] = ()
    tables: tuple[Table, ...] = ()
    table_grants: tuple[TableGrant, ...] = ()
    default_privileges: tuple[DefaultPrivilege, ...] = ()
    problems: tuple[str, ...] = ()
    """Parts of the catalog that could not be read (the rest is still usable)."""
