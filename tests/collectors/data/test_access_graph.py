"""Access properties and edges computed from hand-built catalogs (no server)."""

from __future__ import annotations

import pytest

from stackward.collectors.base import CollectResult
from stackward.collectors.data.access import access_graph
from stackward.dspm.access import Catalog, Role, Schema, SchemaGrant, Table, TableGrant
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
    assert edges["pgrole:pg/PUBLIC"]["via"] == ["PUBLIC"]
    assert edges["pgrole:pg/app"]["via"] == ["app", "PUBLIC"]
    assert edges["pgrole:pg/admin"]["reason"] == "superuser"
    assert edges["pgrole:pg/PUBLIC"]["columns"] is None


def test_tables_without_sensitive_data_get_no_edges() -> None:
    result = CollectResult()
    found = access_graph(
        _catalog(TableGrant("PUBLIC", "crm", "people", "SELECT")), "pg", STORE, [], result
    )
    assert found == {}
    assert not result.relations and not result.assets
