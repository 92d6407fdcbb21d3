"""Walking lineage up or down from one asset.

Upstream of X: ``DERIVED_FROM``, ``TRAINED_ON``, ``SERVES`` and ``LOADS_MODEL`` out of X, and
``WRITES`` into X (the producing job), then ``READS`` out of that job. Downstream is the reverse. A
``DERIVED_FROM`` edge recorded by a job already shown is not shown again beside it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from stackward.graph.inventory import InventoryGraph
from stackward.lineage.naming import dataset_key_for_path, normalise_dataset_key
from stackward.model import Asset, Relation, RelationKind
from stackward.model.relation import MADE_FROM

Direction = Literal["upstream", "downstream"]
_FOLLOWED = MADE_FROM
MAX_NODES = 10_000


@dataclass(slots=True)
class LineageTree:
    root: str
    direction: Direction
    depth_of: dict[str, int] = field(default_factory=dict)
    children: dict[str, list[tuple[Relation, str]]] = field(default_factory=dict)
    edges: list[Relation] = field(default_factory=list)
    truncated: bool = False


def find_asset(graph: InventoryGraph, ref: str) -> Asset | list[Asset]:
    """The asset named by an id, a dataset key, a local path (an absolute one, or one relative
    to the working directory) or a unique name; else the candidates."""
    exact = graph.get(ref)
    if exact is not None:
        return exact
    key = dataset_key_for_path(ref) if _is_local_path(ref) else normalise_dataset_key(ref)
    by_key = [a for a in graph.assets() if a.prop("dataset_key") == key]
    if len(by_key) == 1:
        return by_key[0]
    by_name = by_key or [a for a in graph.assets() if a.name == ref]
    return by_name[0] if len(by_name) == 1 else by_name


def _is_local_path(ref: str) -> bool:
    return "://" not in ref and (ref.startswith("/") or Path(ref).exists())


def lineage_steps(graph: InventoryGraph, asset_id: str, direction: Direction) -> list[Relation]:
    """The edges one step up or down from ``asset_id``, oriented as stored."""
    if direction == "upstream":
        writers = graph.incoming(asset_id, RelationKind.WRITES)
        jobs = {e.src for e in writers}
        steps = [
            e for e in graph.outgoing(asset_id, *_FOLLOWED) if e.properties.get("job") not in jobs
        ]
        return [*writers, *steps, *graph.outgoing(asset_id, RelationKind.READS)]
    readers = graph.incoming(asset_id, RelationKind.READS)
    jobs = {e.src for e in readers}
    steps = [e for e in graph.incoming(asset_id, *_FOLLOWED) if e.properties.get("job") not in jobs]
    return [*readers, *steps, *graph.outgoing(asset_id, RelationKind.WRITES)]


def walk(graph: InventoryGraph, root: str, direction: Direction, depth: int) -> LineageTree:
    """Breadth-first to ``depth`` steps; each asset appears once, at its nearest depth."""
    tree = LineageTree(root, direction, {root: 0})
    queue = deque([root])
    while queue:
        node = queue.popleft()
        level = tree.depth_of[node]
        if level >= depth:
            continue
        for edge in lineage_steps(graph, node, direction):
            other = edge.dst if edge.src == node else edge.src
            if other not in graph:
                continue
            tree.edges.append(edge)
            if other in tree.depth_of:
                continue
            if len(tree.depth_of) >= MAX_NODES:
                tree.truncated = True
                return tree
            tree.depth_of[other] = level + 1
            tree.children.setdefault(node, []).append((edge, other))
            queue.append(other)
    return tree
