"""Access properties and edges computed from hand-built catalogs (no server)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from stackward.collectors.base import CollectResult
from stackward.collectors.data.access import access_graph, access_levels, default_grants
from stackward.dspm.access import Catalog, Role, Schema, SchemaGrant, Table, TableGrant
from stackward.dspm.access.model import DefaultPrivilege
from stackward.dspm.records import Location
from stackward.dspm.results import FieldFinding, ItemResult
from stackward.model import RelationKind

STORE = "data:pg"


def _item(field: str = "ssn") -> ItemResult:
    item = ItemResult(Location("postgresql://app@db:5432/crm", "crm.people"), "postgres.table")
    item.fields.append(
        FieldFinding(field, "pii.national_id.us_ssn", 0.99, 10, 10, 10, 10, ("format",))
    )
    return item


def _catalog(*grants: TableGrant, usage: str = "PUBLIC") -> Catalog:
    return Catalog(
        roles=(
            Role("admin", superuser=True, can_login=True),
            Role("app", can_login=True),
            Role("analysts"),
            Role("nologin_owner"),
        ),
        schemas=(Schema("crm", "nologin_owner"),),
        schema_grants=(SchemaGrant(usage, "crm", "USAGE"),),
        tables=(Table("crm", "people", "nologin_owner"),),
        table_grants=grants,
    )


@pytest.mark.parametrize(
    ("grants", "readers", "public"),
    [
        pytest.param((), ["admin"], False, id="superuser-only"),
        pytest.param(
            (TableGrant("PUBLIC", "crm", "people", "SELECT"),),
            ["PUBLIC", "admin", "app"],
            True,
            id="public-select",
        ),
        pytest.param(
            (TableGrant("PUBLIC", "crm", "people", "INSERT"),),
            ["admin"],
            False,
            id="public-insert-only-is-not-a-reader",
        ),
        pytest.param(
            (TableGrant("analysts", "crm", "people", "SELECT"),),
            ["admin"],
            False,
            id="non-login-group-is-not-listed",
        ),
        pytest.param(
            (TableGrant("PUBLIC", "crm", "people", "SELECT", columns=("id",)),),
            ["admin"],
            False,
            id="public-column-grant-off-the-sensitive-column",
        ),
        pytest.param(
            (TableGrant("PUBLIC", "crm", "people", "SELECT", columns=("ssn",)),),
            ["PUBLIC", "admin", "app"],
            True,
            id="public-column-grant-on-the-sensitive-column",
        ),
    ],
)
def test_readers_and_public_access(
    grants: tuple[TableGrant, ...], readers: list[str], public: bool
) -> None:
    result = CollectResult()
    found = access_graph(_catalog(*grants), "pg", STORE, [_item()], result)
    assert found["crm.people"] == {"readers": readers, "public_access": public}
    edges = {r.src.rsplit("/", 1)[1]: r for r in result.relations}
    assert all(r.kind is RelationKind.CAN_ACCESS for r in result.relations)
    assert all(r.dst == f"{STORE}::crm.people" for r in result.relations)
    assert "analysts" not in edges and "nologin_owner" not in edges
    assert len({a.id for a in result.assets}) == len(result.assets) == len(edges)


def test_edge_carries_privileges_chain_and_reason() -> None:
    result = CollectResult()
    grants = (
        TableGrant("PUBLIC", "crm", "people", "SELECT"),
        TableGrant("PUBLIC", "crm", "people", "UPDATE"),
    )
    access_graph(_catalog(*grants), "pg", STORE, [_item()], result)
    edges = {r.src: r.properties for r in result.relations}
    assert edges["pgrole:pg/PUBLIC"]["privileges"] == ["SELECT", "UPDATE"]
    public = edges["pgrole:pg/PUBLIC"]
    assert public["via"] == ["PUBLIC", "GRANT SELECT, UPDATE ON crm.people TO PUBLIC"]
    assert public["roles"] == ["PUBLIC"] and public["inherited_through"] == []
    assert public["access"] == ["read", "write"] and public["source"] == "postgresql"
    assert edges["pgrole:pg/app"]["via"] == [
        "app",
        "member of PUBLIC",
        "GRANT SELECT, UPDATE ON crm.people TO PUBLIC",
    ]
    assert edges["pgrole:pg/app"]["inherited_through"] == ["PUBLIC"]
    assert edges["pgrole:pg/admin"]["via"] == ["admin", "superuser"]
    assert edges["pgrole:pg/admin"]["access"] == ["admin", "read", "write"]
    assert "superuser" in edges["pgrole:pg/admin"]["reason"]
    assert public["columns"] is None


@pytest.mark.parametrize(
    ("privileges", "reason", "levels"),
    [
        pytest.param({"SELECT"}, "grant", ["read"], id="select-reads"),
        pytest.param({"INSERT"}, "grant", ["write"], id="insert-writes"),
        pytest.param({"TRUNCATE"}, "grant", ["write"], id="truncate-writes"),
        pytest.param({"REFERENCES", "TRIGGER"}, "grant", [], id="neither-read-nor-write"),
        pytest.param({"SELECT"}, "owner", ["admin", "read"], id="owner-administers"),
    ],
)
def test_access_levels(privileges: set[str], reason: str, levels: list[str]) -> None:
    assert access_levels(privileges, reason) == levels


def test_tables_without_sensitive_data_get_no_edges() -> None:
    result = CollectResult()
    found = access_graph(
        _catalog(TableGrant("PUBLIC", "crm", "people", "SELECT")), "pg", STORE, [], result
    )
    assert found == {}
    assert not result.relations and not result.assets


@pytest.mark.parametrize(
    ("default", "expected"),
    [
        pytest.param(
            DefaultPrivilege("etl", "crm", "table", "PUBLIC", "SELECT"),
            [("etl", "crm", "PUBLIC", "schema", ["SELECT"])],
            id="schema-default",
        ),
        pytest.param(
            DefaultPrivilege("etl", None, "table", "analysts", "INSERT"),
            [("etl", "crm", "analysts", "database", ["INSERT"])],
            id="database-default-applies-to-each-sensitive-schema",
        ),
        pytest.param(
            DefaultPrivilege("etl", "sales", "table", "PUBLIC", "SELECT"), [], id="other-schema"
        ),
        pytest.param(
            DefaultPrivilege("etl", "crm", "sequence", "PUBLIC", "USAGE"), [], id="not-tables"
        ),
        pytest.param(DefaultPrivilege("etl", "crm", "table", "etl", "SELECT"), [], id="own"),
    ],
)
def test_default_grants(default: DefaultPrivilege, expected: list[tuple[object, ...]]) -> None:
    found = default_grants(Catalog(default_privileges=(default,)), {"crm"})
    assert [
        (g["owner"], g["schema"], g["grantee"], g["scope"], g["privileges"]) for g in found
    ] == expected


def test_names_with_braces_are_kept_as_written() -> None:
    result = CollectResult()
    catalog = _catalog(TableGrant("PUBLIC", "crm", "people", "SELECT"))
    catalog = replace(catalog, roles=(*catalog.roles, Role("{odd}", can_login=True)))
    access_graph(catalog, "pg", STORE, [_item()], result)
    edges = {r.src: r.properties for r in result.relations}
    assert edges["pgrole:pg/{odd}"]["via"] == [
        "{odd}",
        "member of PUBLIC",
        "GRANT SELECT ON crm.people TO PUBLIC",
    ]
