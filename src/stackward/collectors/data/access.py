"""Who can read each sensitive PostgreSQL table: role assets and ``CAN_ACCESS`` edges.

The catalog is read once per source in a read-only session and effective access is computed
from it (:mod:`stackward.dspm.access`). Only principals an attacker can act as are kept:
``PUBLIC`` (every role, so every login) and roles that can log in. Each such role becomes an
identity asset and each of its accesses to a table holding sensitive data an edge to that
table's dataset. What cannot be read becomes a skipped entry naming the source; the
classification results stand either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stackward.collectors.base import CollectResult
from stackward.dspm.access import Access, Catalog, effective_access, read_catalog
from stackward.dspm.access.model import PUBLIC, Role
from stackward.dspm.results import ItemResult
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Skipped

COLLECTOR = "data"
SELECT = "SELECT"
_WRITE_PRIVILEGES = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE"})


@dataclass(slots=True)
class _Grip:
    """One principal's access to one table, merged over its grants (shortest chain first)."""

    principal: str
    privileges: set[str] = field(default_factory=set)
    columns: set[str] | None = field(default_factory=set)
    """``None``: the whole table."""
    select_columns: set[str] | None = field(default_factory=set)
    via: tuple[str, ...] = ()
    reason: str = ""
    bypasses_rls: bool = False

    def add(self, access: Access) -> None:
        if not self.via:
            self.via, self.reason = access.via, access.reason
        self.privileges |= access.privileges
        self.bypasses_rls = self.bypasses_rls or access.bypasses_rls
        self.columns = _widen(self.columns, access.columns)
        if SELECT in access.privileges:
            self.select_columns = _widen(self.select_columns, access.columns)

    def can_select(self, sensitive_fields: set[str]) -> bool:
        """SELECT on the whole table, or on a column that holds sensitive data."""
        if self.select_columns is None:
            return True
        return bool(self.select_columns & sensitive_fields) or (
            bool(self.select_columns) and not sensitive_fields
        )


def _widen(held: set[str] | None, more: tuple[str, ...] | None) -> set[str] | None:
    if held is None or more is None:
        return None
    return held | set(more)


@dataclass(frozen=True, slots=True)
class AccessFacts:
    """What the catalog says about a source: properties for each sensitive table's dataset
    (``readers``, ``public_access``) and for the store (``default_grants``)."""

    datasets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    store: Mapping[str, Any] = field(default_factory=dict)


def table_access(
    dsn: str,
    label: str,
    store_id: str,
    items: Sequence[ItemResult],
    result: CollectResult,
) -> AccessFacts:
    """Dataset and store properties, and the access graph.

    Adds role assets and ``CAN_ACCESS`` relations to ``result``; a catalog that cannot be read
    adds a skipped entry instead.
    """
    catalog = _catalog(dsn, label, result)
    if catalog is None:
        return AccessFacts()
    schemas = {item.location.item.split(".", 1)[0] for item in items}
    return AccessFacts(
        datasets=access_graph(catalog, label, store_id, items, result),
        store={"default_grants": default_grants(catalog, schemas)},
    )


def default_grants(catalog: Catalog, sensitive_schemas: set[str]) -> list[dict[str, Any]]:
    """``ALTER DEFAULT PRIVILEGES`` that will grant tables created later in a schema that
    already holds sensitive data to a role other than their owner.

    A default set for every schema (no ``IN SCHEMA``) applies to each of those schemas. The
    grants are on tables not yet created, so they are facts about the store, not edges.
    """
    merged: dict[tuple[str, str, str, str], set[str]] = {}
    for default in catalog.default_privileges:
        if default.object_type != "table" or default.grantee == default.owner:
            continue
        scope = "schema" if default.schema is not None else "database"
        targets = [default.schema] if default.schema is not None else sorted(sensitive_schemas)
        for schema in targets:
            if schema in sensitive_schemas:
                key = (default.owner, schema, default.grantee, scope)
                merged.setdefault(key, set()).add(default.privilege)
    return [
        {
            "owner": owner,
            "schema": schema,
            "grantee": grantee,
            "scope": scope,
            "privileges": sorted(privileges),
            "access": access_levels(privileges, "grant"),
        }
        for (owner, schema, grantee, scope), privileges in sorted(merged.items())
    ]


def _catalog(dsn: str, label: str, result: CollectResult) -> Catalog | None:
    from stackward.dspm.readers.postgres import DataSourceError, connect_read_only

    try:
        with connect_read_only(dsn) as conn:
            catalog = read_catalog(conn)
    except DataSourceError as exc:
        result.skipped.append(Skipped(label, f"access not read: {exc}", COLLECTOR))
        return None
    except Exception as exc:  # a driver error must not lose the classification results
        reason = type(exc).__name__
        result.skipped.append(Skipped(label, f"access not read: {reason}", COLLECTOR))
        return None
    for problem in catalog.problems:
        result.skipped.append(Skipped(label, f"access: {problem}", COLLECTOR))
    return catalog


def access_graph(
    catalog: Catalog,
    label: str,
    store_id: str,
    items: Sequence[ItemResult],
    result: CollectResult,
) -> dict[str, dict[str, Any]]:
    """:func:`table_access` on a catalog already read (pure apart from ``result``)."""
    wanted = {item.location.item: item for item in items}
    roles = {role.name: role for role in catalog.roles}
    logins = {name for name, role in roles.items() if role.can_login} | {PUBLIC}
    grips = _grips(effective_access(catalog, logins), wanted, logins)
    words = _ChainWords()
    added: set[str] = set()
    properties: dict[str, dict[str, Any]] = {}
    for item_name, by_principal in sorted(grips.items()):
        dataset = dataset_id(store_id, item_name)
        fields = _sensitive_fields(wanted[item_name])
        readers = sorted(p for p, g in by_principal.items() if g.can_select(fields))
        properties[item_name] = {"readers": readers, "public_access": PUBLIC in readers}
        for principal, grip in sorted(by_principal.items()):
            role_id = f"pgrole:{label}/{principal}"
            if role_id not in added:
                added.add(role_id)
                result.assets.append(_role_asset(role_id, principal, label, roles.get(principal)))
            result.relations.append(
                Relation(role_id, dataset, RelationKind.CAN_ACCESS, words.edge(grip, item_name))
            )
    for item_name in wanted:
        properties.setdefault(item_name, {"readers": [], "public_access": False})
    return properties


def _grips(
    accesses: Iterable[Access], wanted: Mapping[str, ItemResult], logins: set[str]
) -> dict[str, dict[str, _Grip]]:
    grips: dict[str, dict[str, _Grip]] = {}
    for access in accesses:
        item_name = f"{access.schema}.{access.table}"
        if item_name not in wanted or access.principal not in logins or not access.privileges:
            continue
        by_principal = grips.setdefault(item_name, {})
        by_principal.setdefault(access.principal, _Grip(access.principal)).add(access)
    return grips


def _sensitive_fields(item: ItemResult) -> set[str]:
    return {name for summary in item.classes().values() for name in summary.fields}


_TABLE = "\0"
"""Stands for the table's name in a cached step; no identifier holds a NUL."""


class _ChainWords:
    """Edge properties, with the parts that depend only on the chain, reason and privileges
    computed once: a warehouse has hundreds of thousands of edges but few distinct chains."""

    def __init__(self) -> None:
        self._parts: dict[tuple[tuple[str, ...], str, frozenset[str]], _Parts] = {}

    def edge(self, grip: _Grip, table: str) -> dict[str, Any]:
        key = (grip.via, grip.reason, frozenset(grip.privileges))
        parts = self._parts.get(key)
        if parts is None:
            parts = self._parts[key] = _Parts.of(*key)
        return {
            "access": parts.access,
            "privileges": parts.privileges,
            "columns": None if grip.columns is None else sorted(grip.columns),
            "via": [*parts.steps, table.join(parts.last_step)],
            "roles": parts.roles,
            "inherited_through": parts.inherited_through,
            "reason": _REASONS[grip.reason].format(principal=grip.principal, table=table),
            "source": "postgresql",
            "bypasses_rls": grip.bypasses_rls,
        }


@dataclass(frozen=True, slots=True)
class _Parts:
    access: list[str]
    privileges: list[str]
    steps: list[str]
    last_step: tuple[str, ...]
    """The last step's text around the table's name (joined with it)."""
    roles: list[str]
    inherited_through: list[str]

    @classmethod
    def of(cls, via: tuple[str, ...], reason: str, privileges: frozenset[str]) -> _Parts:
        *steps, last = chain_text(via, reason, privileges, _TABLE)
        return cls(
            access=access_levels(privileges, reason),
            privileges=sorted(privileges),
            steps=steps,
            last_step=tuple(last.split(_TABLE)),
            roles=list(via),
            inherited_through=list(via[1:]) if reason != "superuser" else [],
        )


_REASONS = {
    "grant": "{principal} holds a grant on {table}, directly or through the roles it inherits.",
    "owner": "{principal} owns {table} or inherits the role that owns it.",
    "superuser": "{principal} is a superuser and bypasses every privilege check.",
}


def access_levels(privileges: Iterable[str], reason: str) -> list[str]:
    """The normalised ``read`` / ``write`` / ``admin`` a set of table privileges gives.

    An owner and a superuser can also grant the table to others, so they hold ``admin``.
    """
    held = set(privileges)
    levels = set()
    if SELECT in held:
        levels.add("read")
    if held & _WRITE_PRIVILEGES:
        levels.add("write")
    if reason in ("owner", "superuser"):
        levels.add("admin")
    return sorted(levels)


def chain_text(
    roles: Sequence[str], reason: str, privileges: Iterable[str], table: str
) -> list[str]:
    """The grant chain in words, principal first: ``["app", "member of analysts",
    "GRANT SELECT ON public.customers TO analysts"]``."""
    steps = [roles[0], *(f"member of {role}" for role in roles[1:])]
    holder = roles[-1]
    if reason == "superuser":
        steps.append("superuser")
    elif reason == "owner":
        steps.append(f"{holder} owns {table}")
    else:
        steps.append(f"GRANT {', '.join(sorted(privileges))} ON {table} TO {holder}")
    return steps


def dataset_id(store_id: str, item: str) -> str:
    """The id of the dataset asset of ``item`` (a table: ``schema.table``) in a store."""
    return f"{store_id}::{item}"


def _role_asset(role_id: str, name: str, label: str, role: Role | None) -> Asset:
    """``role`` is None for PUBLIC, which is no role of the catalog."""
    return Asset(
        id=role_id,
        kind=AssetKind.IAM_ROLE,
        layer=Layer.IDENTITY,
        name=name,
        source=label,
        properties={
            "platform": "postgresql",
            "principal_type": "database_role",
            "everyone": role is None,
            "superuser": role is not None and role.superuser,
            "can_login": role is not None and role.can_login,
            "bypass_rls": role is not None and role.bypass_rls,
        },
    )
