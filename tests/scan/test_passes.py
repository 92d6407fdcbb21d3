from __future__ import annotations

from stackward.config.schema import ScanConfig
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Skipped
from stackward.scan.passes import apply_passes


class _Rename:
    name = "rename"

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        old = graph["a"]
        graph.add_asset(Asset(old.id, old.kind, old.layer, "renamed", old.source))
        return [Skipped("a", "noted", self.name)]


class _Broken:
    name = "broken"

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        raise KeyError("missing")


def test_passes_run_in_order_and_a_failing_pass_is_reported_not_raised() -> None:
    graph = InventoryGraph()
    graph.add_asset(Asset("a", AssetKind.DATASET, Layer.DATA_FOUNDATION, "a", "test"))
    skipped = apply_passes(graph, ScanConfig(), [_Broken(), _Rename()])
    assert graph["a"].name == "renamed"
    assert [s.location for s in skipped] == ["broken", "a"]
    assert "pass failed: KeyError" in skipped[0].reason
