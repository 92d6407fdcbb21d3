"""An in-memory directed multigraph of assets, indexed for the queries checks need.

A hand-rolled adjacency index rather than a general graph library: the queries are few
(neighbours, reachability, shortest paths), assets are immutable dataclasses already, and
the index by kind keeps check evaluation linear in the size of the stack.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator

from stackward.model import Asset, AssetKind, Relation, RelationKind


class InventoryGraph:
    def __init__(self) -> None:
        self._assets: dict[str, Asset] = {}
        self._out: dict[str, list[Relation]] = defaultdict(list)
        self._in: dict[str, list[Relation]] = defaultdict(list)
        self._by_kind: dict[AssetKind, list[str]] = defaultdict(list)
        self._edge_keys: set[tuple[str, str, RelationKind]] = set()

    # -- building -------------------------------------------------------------------------
    def add_asset(self, asset: Asset) -> None:
        """Add an asset; a second asset with the same id replaces the first."""
        if asset.id not in self._assets:
            self._by_kind[asset.kind].append(asset.id)
        elif self._assets[asset.id].kind is not asset.kind:
            self._by_kind[self._assets[asset.id].kind].remove(asset.id)
            self._by_kind[asset.kind].append(asset.id)
        self._assets[asset.id] = asset

    def add_relation(self, relation: Relation) -> None:
        """Add an edge once; duplicates (same src, dst and kind) are ignored."""
        key = (relation.src, relation.dst, relation.kind)
        if key in self._edge_keys:
            return
        self._edge_keys.add(key)
        self._out[relation.src].append(relation)
        self._in[relation.dst].append(relation)

    def remove_asset(self, asset_id: str) -> None:
        """Remove an asset and every edge into or out of it (nothing if it is absent)."""
        asset = self._assets.pop(asset_id, None)
        if asset is None:
            return
        self._by_kind[asset.kind].remove(asset_id)
        for edge in self._out.pop(asset_id, []):
            self._edge_keys.discard((edge.src, edge.dst, edge.kind))
            if edge.dst != asset_id:
                self._in[edge.dst] = [e for e in self._in[edge.dst] if e.src != asset_id]
        for edge in self._in.pop(asset_id, []):
            self._edge_keys.discard((edge.src, edge.dst, edge.kind))
            if edge.src != asset_id:
                self._out[edge.src] = [e for e in self._out[edge.src] if e.dst != asset_id]

    def extend(self, assets: Iterable[Asset], relations: Iterable[Relation]) -> None:
        for asset in assets:
            self.add_asset(asset)
        for relation in relations:
            self.add_relation(relation)

    # -- lookups --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._assets)

    def __contains__(self, asset_id: object) -> bool:
        return asset_id in self._assets

    def get(self, asset_id: str) -> Asset | None:
        return self._assets.get(asset_id)

    def __getitem__(self, asset_id: str) -> Asset:
        return self._assets[asset_id]

    def assets(self, *kinds: AssetKind) -> Iterator[Asset]:
        if not kinds:
            yield from self._assets.values()
            return
        for kind in kinds:
            for asset_id in self._by_kind.get(kind, ()):
                yield self._assets[asset_id]

    def relations(self) -> Iterator[Relation]:
        for edges in self._out.values():
            yield from edges

    @property
    def relation_count(self) -> int:
        return len(self._edge_keys)

    def outgoing(self, asset_id: str, *kinds: RelationKind) -> list[Relation]:
        edges = self._out.get(asset_id, [])
        return [e for e in edges if e.kind in kinds] if kinds else list(edges)

    def incoming(self, asset_id: str, *kinds: RelationKind) -> list[Relation]:
        edges = self._in.get(asset_id, [])
        return [e for e in edges if e.kind in kinds] if kinds else list(edges)

    def successors(self, asset_id: str, *kinds: RelationKind) -> list[Asset]:
        return [self._assets[e.dst] for e in self.outgoing(asset_id, *kinds) if e.dst in self]

    def predecessors(self, asset_id: str, *kinds: RelationKind) -> list[Asset]:
        return [self._assets[e.src] for e in self.incoming(asset_id, *kinds) if e.src in self]

    def neighbours(self, asset_id: str) -> list[Asset]:
        ids = {e.dst for e in self._out.get(asset_id, [])} | {
            e.src for e in self._in.get(asset_id, [])
        }
        return [self._assets[i] for i in sorted(ids) if i in self._assets]

    # -- traversal ------------------------------------------------------------------------
    def reachable(
        self, start: str | Iterable[str], kinds: Collection[RelationKind] | None = None
    ) -> set[str]:
        """Every asset id reachable from ``start`` along edges of ``kinds`` (all if None)."""
        parents = self.shortest_path_tree(start, kinds)
        return set(parents)

    def shortest_path_tree(
        self,
        start: str | Iterable[str],
        kinds: Collection[RelationKind] | None = None,
        allow: Callable[[Asset], bool] | None = None,
    ) -> dict[str, Relation | None]:
        """Breadth-first search; maps each reached id to the edge that first reached it."""
        starts = [start] if isinstance(start, str) else list(start)
        parents: dict[str, Relation | None] = {s: None for s in starts if s in self._assets}
        queue = deque(parents)
        while queue:
            node = queue.popleft()
            for edge in self._out.get(node, ()):
                nxt = edge.dst
                if nxt in parents or (kinds is not None and edge.kind not in kinds):
                    continue
                asset = self._assets.get(nxt)
                if asset is None or (allow is not None and not allow(asset)):
                    continue
                parents[nxt] = edge
                queue.append(nxt)
        return parents

    def path(
        self, src: str, dst: str, kinds: Collection[RelationKind] | None = None
    ) -> list[Relation] | None:
        """A shortest path from ``src`` to ``dst`` as a list of edges, or None."""
        parents = self.shortest_path_tree(src, kinds)
        if dst not in parents:
            return None
        return unwind(parents, dst)


def unwind(parents: dict[str, Relation | None], target: str) -> list[Relation]:
    edges: list[Relation] = []
    node = target
    while (edge := parents[node]) is not None:
        edges.append(edge)
        node = edge.src
    edges.reverse()
    return edges
