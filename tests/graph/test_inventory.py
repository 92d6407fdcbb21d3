from __future__ import annotations

from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind
from tests.conftest import graph_of


def _asset(asset_id: str, kind: AssetKind = AssetKind.K8S_WORKLOAD, **kw: bool) -> Asset:
    return Asset(
        id=asset_id, kind=kind, layer=Layer.INFRASTRUCTURE, name=asset_id, source="t", **kw
    )


def _chain() -> InventoryGraph:
    return graph_of(
        [_asset("a"), _asset("b"), _asset("c"), _asset("d", AssetKind.K8S_SECRET)],
        [
            Relation("a", "b", RelationKind.ROUTES_TO),
            Relation("b", "c", RelationKind.RUNS_AS),
            Relation("c", "d", RelationKind.CAN_ACCESS),
            Relation("a", "d", RelationKind.DEFINED_IN),
        ],
    )


def test_neighbours_cover_both_directions() -> None:
    graph = _chain()
    assert [a.id for a in graph.neighbours("b")] == ["a", "c"]
    assert [a.id for a in graph.successors("a", RelationKind.ROUTES_TO)] == ["b"]
    assert sorted(a.id for a in graph.predecessors("d")) == ["a", "c"]


def test_reachability_respects_edge_kinds() -> None:
    graph = _chain()
    assert graph.reachable("a") == {"a", "b", "c", "d"}
    assert graph.reachable("a", {RelationKind.ROUTES_TO}) == {"a", "b"}
    assert graph.reachable("c", {RelationKind.ROUTES_TO}) == {"c"}


def test_shortest_path_prefers_fewer_hops_and_none_when_unreachable() -> None:
    graph = _chain()
    path = graph.path("a", "d")
    assert path is not None and [e.kind for e in path] == [RelationKind.DEFINED_IN]
    long = graph.path(
        "a", "d", {RelationKind.ROUTES_TO, RelationKind.RUNS_AS, RelationKind.CAN_ACCESS}
    )
    assert long is not None and [e.dst for e in long] == ["b", "c", "d"]
    assert graph.path("d", "a") is None


def test_duplicate_edges_are_ignored_and_replaced_assets_reindexed() -> None:
    graph = _chain()
    before = graph.relation_count
    graph.add_relation(Relation("a", "b", RelationKind.ROUTES_TO))
    assert graph.relation_count == before
    graph.add_asset(_asset("b", AssetKind.K8S_SERVICE))
    assert [a.id for a in graph.assets(AssetKind.K8S_SERVICE)] == ["b"]
    assert "b" not in {a.id for a in graph.assets(AssetKind.K8S_WORKLOAD)}


def test_edges_to_unknown_assets_do_not_break_queries() -> None:
    graph = graph_of([_asset("a")], [Relation("a", "ghost", RelationKind.ROUTES_TO)])
    assert graph.successors("a") == []
    assert graph.reachable("a") == {"a"}


def test_remove_asset_drops_its_edges_and_keeps_the_rest() -> None:
    graph = graph_of(
        [_asset("a"), _asset("b"), _asset("c")],
        [
            Relation("a", "b", RelationKind.READS),
            Relation("b", "c", RelationKind.WRITES),
            Relation("a", "c", RelationKind.READS),
            Relation("b", "b", RelationKind.DERIVED_FROM),
        ],
    )
    graph.remove_asset("b")
    graph.remove_asset("absent")
    assert "b" not in graph and len(graph) == 2
    assert [a.id for a in graph.assets(AssetKind.K8S_WORKLOAD)] == ["a", "c"]
    assert [(r.src, r.dst) for r in graph.relations()] == [("a", "c")]
    assert graph.relation_count == 1
    assert graph.incoming("c") == graph.outgoing("a")
    graph.add_relation(Relation("a", "b", RelationKind.READS))  # the edge key is free again
    assert graph.relation_count == 2
