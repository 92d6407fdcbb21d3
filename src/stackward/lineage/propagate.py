"""Carries data classes down lineage: from classified data to what was built from it.

A dataset derived from a table of emails holds emails; a model trained on it may memorise
them; an endpoint serving that model can leak them. For every asset with ``data_classes``
this pass walks downstream along the lineage edges of the shared convention and records on
each asset reached ``derived_classes`` = {class: sorted ids of the classified sources}.
Models reached with any ``pii.*`` class are marked ``pii_derived``.

Downstream of X: the sources of DERIVED_FROM, TRAINED_ON, SERVES, LOADS_MODEL and READS
edges that point at X, and, from a job (a data job or training run), the targets of its
WRITES edges. Other edges (CAN_ACCESS, CONTAINS, ...) carry no data and are not followed.
Source sets flow in topological order (a work list finishes cycles), so each lineage edge is
crossed once on acyclic lineage; the output itself is as large as assets x sources.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Set

from stackward.config.schema import ScanConfig
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, RelationKind, Skipped
from stackward.model.relation import MADE_FROM

UPSTREAM_POINTING = frozenset({*MADE_FROM, RelationKind.READS})
"""Edge kinds whose ``src`` is downstream of their ``dst``."""
JOB_KINDS = frozenset({AssetKind.DATA_JOB, AssetKind.TRAINING_JOB})
"""Assets whose WRITES edges carry what they read on to what they write."""
PII_PREFIX = "pii."


def downstream_index(graph: InventoryGraph) -> dict[str, list[str]]:
    """Asset id -> ids one lineage step downstream, built in one pass over the edges."""
    index: dict[str, list[str]] = defaultdict(list)
    for edge in graph.relations():
        if edge.src == edge.dst or edge.src not in graph or edge.dst not in graph:
            continue
        if edge.kind in UPSTREAM_POINTING:
            index[edge.dst].append(edge.src)
        elif edge.kind is RelationKind.WRITES and graph[edge.src].kind in JOB_KINDS:
            index[edge.src].append(edge.dst)
    return index


def downstream_of(start: str, index: Mapping[str, list[str]]) -> set[str]:
    """Every asset id downstream of ``start`` (``start`` itself excluded)."""
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in index.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    seen.discard(start)
    return seen


def reaching_sources(
    sources: Iterable[str], index: Mapping[str, list[str]]
) -> dict[str, frozenset[str]]:
    """For each asset downstream of any of ``sources``: the sources it is downstream of.

    Sets flow along the index in topological order (Kahn), so on acyclic lineage each edge
    is crossed once, with the set union done by the interpreter's set code rather than one
    step per source. Nodes on or after a cycle are finished by a work list: a node is queued
    again only when its set grew, and sets only grow up to all sources, so it ends.
    """
    labels: dict[str, frozenset[str]] = {s: frozenset({s}) for s in sources}
    live = set(labels)
    queue = deque(labels)
    while queue:
        for nxt in index.get(queue.popleft(), ()):
            if nxt not in live:
                live.add(nxt)
                queue.append(nxt)
    indegree: dict[str, int] = dict.fromkeys(live, 0)
    for node in live:
        for nxt in index.get(node, ()):
            indegree[nxt] += 1
    ready = deque(n for n in live if indegree[n] == 0)
    done: set[str] = set()
    while ready:
        node = ready.popleft()
        done.add(node)
        mine = labels.get(node, frozenset())
        for nxt in index.get(node, ()):
            labels[nxt] = labels.get(nxt, frozenset()) | mine
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    pending = deque(n for n in live if n not in done)
    queued = set(pending)
    while pending:
        node = pending.popleft()
        queued.discard(node)
        mine = labels.get(node, frozenset())
        for nxt in index.get(node, ()):
            before = labels.get(nxt, frozenset())
            if not mine <= before:
                labels[nxt] = before | mine
                if nxt not in queued:
                    queued.add(nxt)
                    pending.append(nxt)
    return labels


class PropagationPass:
    """Graph pass 3: classification propagation along lineage."""

    name = "classification-propagation"

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        skipped: list[Skipped] = []
        holders: dict[str, set[str]] = defaultdict(set)
        """class -> ids of the classified assets holding it."""
        for source in list(graph.assets()):
            classes = source.prop("data_classes")
            if not classes:
                continue
            if not isinstance(classes, Mapping):
                reason = "data_classes is not a mapping; not propagated"
                skipped.append(Skipped(source.id, reason, self.name))
                continue
            for data_class in classes:
                holders[str(data_class)].add(source.id)
        sources = set().union(*holders.values()) if holders else set()
        for asset_id, reached_from in reaching_sources(sources, downstream_index(graph)).items():
            upstream = reached_from - {asset_id}
            found = {
                c: upstream & held for c, held in holders.items() if not upstream.isdisjoint(held)
            }
            if found:
                graph.add_asset(_with_derived(graph[asset_id], found))
        return skipped


def _with_derived(asset: Asset, found: Mapping[str, Set[str]]) -> Asset:
    merged: dict[str, set[str]] = {c: set(s) for c, s in found.items()}
    earlier = asset.prop("derived_classes")
    if isinstance(earlier, Mapping):
        for data_class, sources in earlier.items():
            if isinstance(sources, list | tuple):
                merged.setdefault(str(data_class), set()).update(str(s) for s in sources)
    properties = dict(asset.properties)
    properties["derived_classes"] = {c: sorted(merged[c]) for c in sorted(merged)}
    if asset.kind is AssetKind.MODEL_ARTIFACT and any(c.startswith(PII_PREFIX) for c in merged):
        properties["pii_derived"] = True
    return dataclasses.replace(asset, properties=properties)
