"""Effective table access from a :class:`Catalog`, by PostgreSQL's own rules.

A role holds the privileges of the roles it is a member of, transitively, but only through
memberships that inherit (PostgreSQL 16+: the grant's INHERIT option; before: the member's
``rolinherit``). Every role holds PUBLIC's grants. A superuser holds everything; a table's
owner, and every role inheriting the owner, holds every privilege on it. Using a table also
needs USAGE on its schema (held the same way, as the schema's owner, or through
``pg_read_all_data``/``pg_write_all_data``), so a grant without it gives nothing and is left
out. Each privilege is attributed to its shortest chain of roles, ties broken by the chain's
names, so the output is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stackward.dspm.access.model import PUBLIC, TABLE_PRIVILEGES, Catalog, Role, Table, TableGrant

Chain = tuple[str, ...]
_REASON_RANK = {"superuser": 0, "owner": 1, "grant": 2}
DATA_ROLES: Mapping[str, frozenset[str]] = {
    "pg_read_all_data": frozenset({"SELECT"}),
    "pg_write_all_data": frozenset({"INSERT", "UPDATE", "DELETE"}),
}
"""Predefined roles (PostgreSQL 14+) that hold these privileges on every table, and USAGE on
every schema, to whoever inherits them."""


@dataclass(frozen=True, slots=True)
class Access:
    """``principal`` holds ``privileges`` on a table (or on ``columns`` of it) through ``via``.

    ``via`` runs from the principal through each inherited role to the grantee or owner, e.g.
    ``("app_login", "analysts")``, ``("app_login", "PUBLIC")`` or ``("PUBLIC",)``.
    """

    principal: str
    schema: str
    table: str
    privileges: frozenset[str]
    columns: tuple[str, ...] | None
    via: Chain
    reason: str
    """grant, owner or superuser."""
    rls_enabled: bool = False
    rls_forced: bool = False
    bypasses_rls: bool = False
    """Superuser, BYPASSRLS, or (a role inheriting) the owner of a table without FORCE."""


def effective_access(catalog: Catalog, principals: Iterable[str] | None = None) -> list[Access]:
    """Effective access to every table in ``catalog``, sorted: of every role and PUBLIC, or
    of ``principals`` only (roles and PUBLIC are computed independently of each other)."""
    roles = {role.name: role for role in catalog.roles}
    index = _Index.of(catalog)
    parents = _inheriting_parents(catalog)
    result: list[Access] = []
    wanted = [*sorted(roles), PUBLIC] if principals is None else sorted(set(principals))
    for principal in wanted:
        chains = _chains(principal, parents)
        role = roles.get(principal)
        for table in index.reachable_tables(catalog, chains, role):
            result.extend(_table_access(principal, role, chains, table, index))
    result.sort(key=lambda a: (a.schema, a.table, a.principal, len(a.via), a.via, a.columns or ()))
    return result


def inherited_roles(principal: str, catalog: Catalog) -> dict[str, Chain]:
    """Roles whose privileges ``principal`` holds, each with its shortest chain.

    Breadth-first over inheriting memberships with members visited in name order, so the first
    chain found is the shortest and, among those, the first by name. Visited roles are never
    revisited, so membership cycles end. PUBLIC is held by every role, one step away.
    """
    return _chains(principal, _inheriting_parents(catalog))


def _inheriting_parents(catalog: Catalog) -> dict[str, list[str]]:
    """Member -> the roles it inherits directly, in name order."""
    inherits = {role.name: role.inherit for role in catalog.roles}
    parents: dict[str, set[str]] = defaultdict(set)
    for membership in catalog.memberships:
        inherit = membership.inherit
        if inherit is None:
            inherit = inherits.get(membership.member, True)
        if inherit:
            parents[membership.member].add(membership.role)
    return {member: sorted(roles) for member, roles in parents.items()}


def _chains(principal: str, parents: Mapping[str, list[str]]) -> dict[str, Chain]:
    if principal == PUBLIC:
        return {PUBLIC: (PUBLIC,)}
    chains: dict[str, Chain] = {principal: (principal,)}
    frontier = [principal]
    while frontier:
        following: list[str] = []
        for name in frontier:
            for parent in parents.get(name, ()):
                if parent not in chains:
                    chains[parent] = (*chains[name], parent)
                    following.append(parent)
        frontier = following
    chains.setdefault(PUBLIC, (principal, PUBLIC))
    return chains


@dataclass(frozen=True, slots=True)
class _Index:
    """The catalog's grants looked up by object, built once for all roles."""

    schema_users: Mapping[str, frozenset[str]]
    """Schema -> roles holding USAGE on it (grantees of USAGE, and its owner)."""
    grants: Mapping[tuple[str, str], tuple[TableGrant, ...]]
    tables_of_role: Mapping[str, tuple[Table, ...]]
    """Role -> the tables it owns or holds a grant on (at least one privilege or column)."""

    def reachable_tables(
        self, catalog: Catalog, chains: Mapping[str, Chain], role: Role | None
    ) -> Iterable[Table]:
        """The tables a role can hold anything on: all of them for a superuser or a member
        of a predefined data role, else those owned by or granted to a role it inherits, in
        schemas it can use. Looking only at these, rather than at every table for every
        role, keeps a warehouse of thousands of roles and tables fast; the rules applied to
        each table are unchanged."""
        if (role is not None and role.superuser) or any(name in chains for name in DATA_ROLES):
            return catalog.tables
        usable = {
            schema for schema, users in self.schema_users.items() if not users.isdisjoint(chains)
        }
        found: dict[tuple[str, str], Table] = {}
        for name in chains:
            for table in self.tables_of_role.get(name, ()):
                if table.schema in usable:
                    found[(table.schema, table.name)] = table
        return found.values()

    @classmethod
    def of(cls, catalog: Catalog) -> _Index:
        users: dict[str, set[str]] = defaultdict(set)
        for schema in catalog.schemas:
            users[schema.name].add(schema.owner)
        for schema_grant in catalog.schema_grants:
            if schema_grant.privilege == "USAGE":
                users[schema_grant.schema].add(schema_grant.grantee)
        grants: dict[tuple[str, str], list[TableGrant]] = defaultdict(list)
        for grant in catalog.table_grants:
            grants[(grant.schema, grant.table)].append(grant)
        by_key = {(table.schema, table.name): table for table in catalog.tables}
        held: dict[str, dict[tuple[str, str], Table]] = defaultdict(dict)
        for table in catalog.tables:
            held[table.owner][(table.schema, table.name)] = table
        for grant in catalog.table_grants:
            granted = by_key.get((grant.schema, grant.table))
            if granted is not None:
                held[grant.grantee][(grant.schema, grant.table)] = granted
        return cls(
            {name: frozenset(names) for name, names in users.items()},
            {key: tuple(found) for key, found in grants.items()},
            {name: tuple(found.values()) for name, found in held.items()},
        )


def _table_access(
    principal: str, role: Role | None, chains: Mapping[str, Chain], table: Table, index: _Index
) -> list[Access]:
    owns = table.owner in chains
    bypass = role is not None and (role.superuser or role.bypass_rls)
    bypass = bypass or (owns and not table.rls_forced)
    made = _Made(principal, table, bypass)
    if role is not None and role.superuser:
        return [made.access(frozenset(TABLE_PRIVILEGES), None, (principal,), "superuser")]
    data_roles = [name for name in DATA_ROLES if name in chains]
    if not data_roles and chains.keys().isdisjoint(index.schema_users.get(table.schema, ())):
        return []
    whole: dict[str, tuple[Chain, str]] = {}
    for name in data_roles:
        for privilege in DATA_ROLES[name]:
            _keep_best(whole, privilege, (chains[name], "grant"))
    if owns:
        for privilege in TABLE_PRIVILEGES:
            whole[privilege] = (chains[table.owner], "owner")
    by_column: dict[tuple[str, str], Chain] = {}
    for grant in index.grants.get((table.schema, table.name), ()):
        via = chains.get(grant.grantee)
        if via is None:
            continue
        if grant.columns is None:
            _keep_best(whole, grant.privilege, (via, "grant"))
        else:
            for column in grant.columns:
                best = by_column.get((grant.privilege, column))
                if best is None or (len(via), via) < (len(best), best):
                    by_column[(grant.privilege, column)] = via
    return _grouped(whole, by_column, made)


@dataclass(frozen=True, slots=True)
class _Made:
    """Builds the :class:`Access` records of one principal on one table."""

    principal: str
    table: Table
    bypass: bool

    def access(
        self, privileges: frozenset[str], columns: tuple[str, ...] | None, via: Chain, reason: str
    ) -> Access:
        table = self.table
        return Access(
            self.principal, table.schema, table.name, privileges, columns, via, reason,
            table.rls_enabled, table.rls_forced, self.bypass,
        )  # fmt: skip


def _keep_best(
    best: dict[str, tuple[Chain, str]], privilege: str, found: tuple[Chain, str]
) -> None:
    current = best.get(privilege)
    if current is None or _rank(found) < _rank(current):
        best[privilege] = found


def _rank(found: tuple[Chain, str]) -> tuple[int, Chain, int]:
    via, reason = found
    return (len(via), via, _REASON_RANK[reason])


def _grouped(
    whole: Mapping[str, tuple[Chain, str]],
    by_column: Mapping[tuple[str, str], Chain],
    made: _Made,
) -> list[Access]:
    """One :class:`Access` per (chain, reason, columns), column grants a whole-table privilege
    already covers left out."""
    groups: dict[tuple[Chain, str, tuple[str, ...] | None], set[str]] = {}
    for privilege, (via, reason) in whole.items():
        groups.setdefault((via, reason, None), set()).add(privilege)
    if by_column:
        columns: dict[tuple[str, Chain], list[str]] = defaultdict(list)
        for (privilege, column), via in by_column.items():
            if privilege not in whole:
                columns[(privilege, via)].append(column)
        for (privilege, via), names in columns.items():
            groups.setdefault((via, "grant", tuple(sorted(names))), set()).add(privilege)
    return [
        made.access(frozenset(privs), cols, via, reason)
        for (via, reason, cols), privs in groups.items()
    ]
