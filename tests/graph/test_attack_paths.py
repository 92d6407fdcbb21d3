from __future__ import annotations

from stackward.graph.attack_paths import INTERNET_ID, find_attack_paths
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind
from tests.conftest import graph_of


def _asset(asset_id: str, *, exposed: bool = False, sensitive: bool = False) -> Asset:
    return Asset(
        id=asset_id,
        kind=AssetKind.K8S_WORKLOAD,
        layer=Layer.INFRASTRUCTURE,
        name=asset_id,
        source="t",
        internet_exposed=exposed,
        sensitive=sensitive,
    )


def test_path_from_internet_through_graph_to_secret() -> None:
    graph = graph_of(
        [
            _asset("ingress", exposed=True),
            _asset("svc"),
            _asset("pod"),
            _asset("sa"),
            _asset("secret", sensitive=True),
            _asset("unrelated-secret", sensitive=True),
        ],
        [
            Relation("ingress", "svc", RelationKind.ROUTES_TO),
            Relation("svc", "pod", RelationKind.ROUTES_TO),
            Relation("pod", "sa", RelationKind.RUNS_AS),
            Relation("sa", "secret", RelationKind.CAN_ACCESS),
        ],
    )
    paths = find_attack_paths(graph)
    assert [p.target_id for p in paths] == ["secret"]
    assert paths[0].asset_ids == (INTERNET_ID, "ingress", "svc", "pod", "sa", "secret")
    assert paths[0].entry_id == "ingress"


def test_non_traversable_edges_do_not_make_paths() -> None:
    graph = graph_of(
        [_asset("ingress", exposed=True), _asset("model", sensitive=True)],
        [Relation("ingress", "model", RelationKind.DEFINED_IN)],
    )
    assert find_attack_paths(graph) == []


def test_no_exposed_assets_no_paths_and_no_internet_node() -> None:
    graph = graph_of([_asset("model", sensitive=True)])
    assert find_attack_paths(graph) == []
    assert INTERNET_ID not in graph


def test_exposed_sensitive_asset_is_its_own_path() -> None:
    graph = graph_of([_asset("bucket", exposed=True, sensitive=True)])
    paths = find_attack_paths(graph)
    assert len(paths) == 1 and paths[0].length == 1 and paths[0].target_id == "bucket"


def test_path_ids_are_stable() -> None:
    def build() -> str:
        graph = graph_of(
            [_asset("a", exposed=True), _asset("b", sensitive=True)],
            [Relation("a", "b", RelationKind.MOUNTS)],
        )
        return find_attack_paths(graph)[0].id

    assert build() == build()
