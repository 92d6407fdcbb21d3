"""Lineage datasets merged into the classified assets that hold the same data.

A lineage dataset (``lineage:dataset/…`` or ``lineage:model/…``) whose ``dataset_key``
equals the key of an asset another collector found (a classified dataset, a store, a bucket,
a model file) is the same data: its edges are moved onto that asset and the lineage node is
removed, so checks and the propagation pass see one node. When no key is equal, a lineage
dataset under a classified S3 prefix or in a classified directory is merged into the
deepest such store; prefixes match on path boundaries only (``s3://bucket-ab`` is not under
``s3://bucket-a``). A lineage model is merged only into a model artifact with the same key,
never into a store. Edges that would become loops (two lineage datasets of the same store
derived from each other) are dropped. The merged keys are listed on the target as
``lineage_keys`` (at most :data:`MAX_LISTED_KEYS`; ``lineage_keys_total`` counts them all).
"""

from __future__ import annotations

from dataclasses import replace

from stackward.config.schema import ScanConfig
from stackward.graph.inventory import InventoryGraph
from stackward.lineage.assets import DATASET_PREFIX, MODEL_PREFIX
from stackward.model import Asset, AssetKind, Relation, Skipped

MAX_LISTED_KEYS = 100
_PREFERENCE = {AssetKind.DATASET: 0, AssetKind.MODEL_ARTIFACT: 1, AssetKind.OBJECT_BUCKET: 2}
"""Among assets with the same key, the most specific takes the edges (stores come last)."""


def is_lineage_node(asset: Asset) -> bool:
    return asset.id.startswith((DATASET_PREFIX, MODEL_PREFIX))


class LineageLinkPass:
    name = "lineage-link"

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        del config
        targets = _targets_by_key(graph)
        if not targets:
            return []
        models = {
            a.prop("dataset_key"): a.id
            for a in graph.assets(AssetKind.MODEL_ARTIFACT)
            if not is_lineage_node(a) and isinstance(a.prop("dataset_key"), str)
        }
        merged: dict[str, list[str]] = {}
        for asset in list(graph.assets()):
            key = asset.prop("dataset_key")
            if not is_lineage_node(asset) or not isinstance(key, str):
                continue
            if asset.id.startswith(MODEL_PREFIX):
                target = models.get(key)
            else:
                target = targets.get(key) or _enclosing_store(key, targets)
            if target is None or target == asset.id:
                continue
            _move_edges(graph, asset.id, target)
            graph.remove_asset(asset.id)
            merged.setdefault(target, []).append(key)
        for target, keys in merged.items():
            _note_keys(graph, target, keys)
        return []


def _targets_by_key(graph: InventoryGraph) -> dict[str, str]:
    candidates: dict[str, tuple[int, str]] = {}
    for asset in graph.assets():
        key = asset.prop("dataset_key")
        if is_lineage_node(asset) or not isinstance(key, str) or not key:
            continue
        rank = (_PREFERENCE.get(asset.kind, 3), asset.id)
        if key not in candidates or rank < candidates[key]:
            candidates[key] = rank
    return {key: rank[1] for key, rank in candidates.items()}


def _enclosing_store(key: str, targets: dict[str, str]) -> str | None:
    """The deepest S3 prefix or directory holding ``key``, walking up path boundaries."""
    if not key.startswith(("s3://", "file://")):
        return None
    scheme, _, path = key.partition("://")
    parts = path.split("/")
    for end in range(len(parts) - 1, 0, -1):
        parent = "/".join(parts[:end])
        if not parent or parent == "/":
            break
        found = targets.get(f"{scheme}://{parent}")
        if found is not None:
            return found
    return None


def _move_edges(graph: InventoryGraph, old: str, new: str) -> None:
    for edge in graph.outgoing(old):
        dst = new if edge.dst == old else edge.dst
        if dst != new:
            graph.add_relation(Relation(new, dst, edge.kind, edge.properties))
    for edge in graph.incoming(old):
        if edge.src not in (old, new):
            graph.add_relation(Relation(edge.src, new, edge.kind, edge.properties))


def _note_keys(graph: InventoryGraph, target: str, keys: list[str]) -> None:
    asset = graph[target]
    known = list(asset.prop("lineage_keys", []))
    combined = sorted(set(known) | set(keys))
    total = int(asset.prop("lineage_keys_total", len(known))) + len(set(keys) - set(known))
    properties = {
        **asset.properties,
        "lineage_keys": combined[:MAX_LISTED_KEYS],
        "lineage_keys_total": total,
    }
    graph.add_asset(replace(asset, properties=properties))
