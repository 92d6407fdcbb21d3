"""Attack paths: from internet-exposed entry points through the graph to sensitive assets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from stackward.graph.inventory import InventoryGraph, unwind
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind
from stackward.model.relation import ATTACK_TRAVERSABLE

INTERNET_ID = "net:internet"


@dataclass(frozen=True, slots=True)
class AttackPath:
    entry_id: str
    target_id: str
    edges: tuple[Relation, ...]

    @property
    def id(self) -> str:
        raw = "->".join(self.asset_ids)
        return "path-" + hashlib.sha256(raw.encode()).hexdigest()[:12]

    @property
    def asset_ids(self) -> tuple[str, ...]:
        return (self.edges[0].src, *(e.dst for e in self.edges)) if self.edges else ()

    @property
    def length(self) -> int:
        return len(self.edges)


def add_internet_node(graph: InventoryGraph) -> None:
    """Link a single ``net:internet`` node to every asset marked internet-exposed."""
    exposed = [a for a in graph.assets() if a.internet_exposed]
    if not exposed:
        return
    graph.add_asset(
        Asset(
            id=INTERNET_ID,
            kind=AssetKind.INTERNET,
            layer=Layer.INFRASTRUCTURE,
            name="Internet",
            source="stackward",
        )
    )
    for asset in exposed:
        graph.add_relation(Relation(INTERNET_ID, asset.id, RelationKind.EXPOSED_TO))


def find_attack_paths(graph: InventoryGraph, max_length: int = 8) -> list[AttackPath]:
    """Shortest path from the internet to every reachable sensitive asset.

    One breadth-first search from the internet node gives a shortest-path tree, so the cost
    is linear in the graph. Paths do not pass *through* a sensitive asset to reach another
    one beyond it unless the edge is one an attacker can follow from it (e.g. a secret that
    grants a cloud role); the traversable kinds are :data:`ATTACK_TRAVERSABLE`.
    """
    if INTERNET_ID not in graph:
        add_internet_node(graph)
    if INTERNET_ID not in graph:
        return []
    parents = graph.shortest_path_tree(INTERNET_ID, ATTACK_TRAVERSABLE)
    paths: list[AttackPath] = []
    for asset_id in parents:
        asset = graph[asset_id]
        if not asset.sensitive or asset_id == INTERNET_ID:
            continue
        edges = unwind(parents, asset_id)
        if not edges or len(edges) > max_length + 1:
            continue
        # The first edge is internet -> entry point.
        paths.append(AttackPath(entry_id=edges[0].dst, target_id=asset_id, edges=tuple(edges)))
    paths.sort(key=lambda p: (p.length, p.target_id))
    return paths
