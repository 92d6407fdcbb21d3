"""Where a data asset came from and where it goes, by the shared lineage rules.

Upstream of X: follow ``DERIVED_FROM``, ``TRAINED_ON``, ``SERVES`` and ``LOADS_MODEL`` (a
deployed model loads an artifact) out of X, and
``WRITES`` into X (the producing job or training run) then ``READS`` out of that job.
Downstream is the reverse. Edges are returned in the direction data flows (input → job →
output → model → endpoint), which is what a drawing needs. Each walk is breadth-first and
stops at ``depth`` hops and :data:`MAX_NODES` assets, saying so with ``truncated``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from stackward.graph.inventory import InventoryGraph
from stackward.model import Relation, RelationKind
from stackward.model.relation import MADE_FROM

MAX_NODES = 400
"""Assets one walk may visit in each direction: a bound on a huge or cyclic lineage."""

_DIRECT = MADE_FROM
_JOB_PROPS = ("job", "run")


@dataclass(frozen=True, slots=True)
class LineageNode:
    id: str
    name: str
    kind: str
    depth: int
    """Hops from the asset (jobs sit at the depth of the data they produce or consume)."""


@dataclass(frozen=True, slots=True)
class FlowEdge:
    """``src`` feeds ``dst``; ``relation`` is the graph relation it was read from."""

    src: str
    dst: str
    relation: str


@dataclass(frozen=True, slots=True)
class LineageView:
    status: Literal["analysed", "not_analysed"]
    upstream: tuple[LineageNode, ...]
    downstream: tuple[LineageNode, ...]
    jobs: tuple[LineageNode, ...]
    """Jobs and training runs between the asset and its upstream or downstream assets."""
    edges: tuple[FlowEdge, ...]
    truncated: bool


def flow_edge(relation: Relation) -> FlowEdge | None:
    """A lineage relation turned into the direction data flows; None for other relations."""
    kind = relation.kind
    if kind in _DIRECT:
        return FlowEdge(relation.dst, relation.src, kind.value)
    if kind is RelationKind.READS:
        return FlowEdge(relation.dst, relation.src, kind.value)
    if kind is RelationKind.WRITES:
        return FlowEdge(relation.src, relation.dst, kind.value)
    return None


def lineage_of(asset_id: str, graph: InventoryGraph, depth: int, known: bool) -> LineageView:
    """Upstream and downstream of ``asset_id`` within ``depth`` hops."""
    if not known:
        return LineageView("not_analysed", (), (), (), (), False)
    edges: set[FlowEdge] = set()
    jobs: dict[str, int] = {}
    up, up_cut = _walk(asset_id, graph, depth, upstream=True, edges=edges, jobs=jobs)
    down, down_cut = _walk(asset_id, graph, depth, upstream=False, edges=edges, jobs=jobs)
    return LineageView(
        status="analysed",
        upstream=_nodes(up, graph),
        downstream=_nodes(down, graph),
        jobs=_nodes(jobs, graph),
        edges=tuple(sorted(edges, key=lambda e: (e.src, e.dst, e.relation))),
        truncated=up_cut or down_cut,
    )


def _walk(
    start: str,
    graph: InventoryGraph,
    depth: int,
    *,
    upstream: bool,
    edges: set[FlowEdge],
    jobs: dict[str, int],
) -> tuple[dict[str, int], bool]:
    reached: dict[str, int] = {}
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    truncated = False
    while queue:
        node, hops = queue.popleft()
        for nxt, via_job, relations in _steps(node, graph, upstream):
            fresh = nxt is not None and nxt != start and nxt not in reached
            if hops >= depth or (fresh and len(reached) >= MAX_NODES):
                truncated = truncated or fresh
                continue
            # Edges and jobs count even on a second route to a known asset: both are drawn.
            for relation in relations:
                edge = flow_edge(relation)
                if edge is not None:
                    edges.add(edge)
            if via_job is not None and via_job in graph:
                jobs.setdefault(via_job, hops + 1)
            if fresh and nxt is not None:
                reached[nxt] = hops + 1
                queue.append((nxt, hops + 1))
    return reached, truncated


def _steps(
    node: str, graph: InventoryGraph, upstream: bool
) -> Iterator[tuple[str | None, str | None, tuple[Relation, ...]]]:
    """(next asset, job in between, relations crossed) one hop from ``node``; the next asset
    is None for a job with no known input (upstream) or output (downstream)."""
    direct = graph.outgoing(node, *_DIRECT) if upstream else graph.incoming(node, *_DIRECT)
    for rel in direct:
        nxt = rel.dst if upstream else rel.src
        if nxt in graph:
            yield nxt, _job_of(rel), (rel,)
    into_job, out_of_job = (
        (RelationKind.WRITES, RelationKind.READS)
        if upstream
        else (RelationKind.READS, RelationKind.WRITES)
    )
    for first in graph.incoming(node, into_job):
        job = first.src
        seconds = [r for r in graph.outgoing(job, out_of_job) if r.dst in graph]
        if not seconds:
            yield None, job, (first,)
        for second in seconds:
            yield second.dst, job, (first, second)


def _job_of(relation: Relation) -> str | None:
    for key in _JOB_PROPS:
        value = relation.properties.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _nodes(depths: dict[str, int], graph: InventoryGraph) -> tuple[LineageNode, ...]:
    out = []
    for node_id, hops in depths.items():
        asset = graph.get(node_id)
        out.append(
            LineageNode(
                id=node_id,
                name=asset.name if asset else node_id,
                kind=asset.kind.value if asset else "",
                depth=hops,
            )
        )
    return tuple(sorted(out, key=lambda n: (n.depth, n.id)))
