"""Residency: is classified data, and what is built from it, kept where policy allows?

The pass runs after classification has been carried down lineage, so every asset holds the
classes it stores (``data_classes``) and the classes it was built from (``derived_classes``).
For each asset a ``data.residency`` policy covers it records, as properties the checks read:

- ``residency_region``: the region it lives in (its own, or a dataset's store's), ``None``
  when unknown; ``residency_region_from`` names the asset the region came from;
- ``residency_policies``: the names of the policies covering it;
- ``residency_violations``: ``[{policy, classes, at_rest, region, allowed}]``, one per policy
  whose allowed regions do not include the asset's;
- ``residency_flows``: ``[{policy, classes, from, from_region, region, via, path}]``, one per
  lineage edge bringing covered data from an allowed (or unknown) region into a disallowed
  one: ``X DERIVED_FROM Y``, ``X TRAINED_ON Y``, endpoint ``X SERVES Y``, a deployed model
  ``X LOADS_MODEL Y`` (the shared :data:`~stackward.model.relation.MADE_FROM`), and a job
  that ``READS Y`` and ``WRITES X``.

Regions are never guessed: an asset without one is listed as covered with region ``None``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from stackward.config.schema import ResidencyPolicy, ScanConfig
from stackward.dspm.regions import jurisdictions_of, normalise_region
from stackward.dspm.taxonomy import matches
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, RelationKind, Skipped
from stackward.model.relation import MADE_FROM

MAX_FLOWS_PER_ASSET = 50
"""A hub (a model trained on thousands of files) keeps the first flows; the rest add nothing."""
_DIRECT_UPSTREAM = MADE_FROM


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an asset lives and which asset said so (itself or its store)."""

    region: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class Upstream:
    """One asset data came from, and how: the edge kind and the ids along the path."""

    asset: Asset
    via: str
    path: tuple[str, ...]


def held_classes(asset: Asset) -> set[str]:
    """Classes stored in the asset itself."""
    return _keys(asset.prop("data_classes"))


def derived_classes(asset: Asset) -> set[str]:
    """Classes of the classified data the asset was built from."""
    return _keys(asset.prop("derived_classes"))


def _keys(value: Any) -> set[str]:
    return {str(k) for k in value} if isinstance(value, Mapping) else set()


def covered(classes: set[str], policy: ResidencyPolicy) -> list[str]:
    """The classes a policy covers, sorted."""
    return sorted(c for c in classes if any(matches(p, c) for p in policy.classes))


def allows(policy: ResidencyPolicy, region: str) -> bool:
    """A region matches one of the policy's globs or lies in one of its jurisdictions."""
    if any(fnmatch.fnmatchcase(region, glob) for glob in policy.regions):
        return True
    return bool(jurisdictions_of(region) & set(policy.jurisdictions))


def allowed_places(policy: ResidencyPolicy) -> list[str]:
    return [*policy.regions, *policy.jurisdictions]


def placement(asset: Asset, graph: InventoryGraph) -> Placement:
    """The asset's own region; a dataset without one takes its store's."""
    own = normalise_region(asset.region)
    if own is not None:
        return Placement(own, asset.id)
    store_id = asset.prop("store")
    if asset.kind is AssetKind.DATASET and isinstance(store_id, str):
        store = graph.get(store_id)
        if store is not None:
            inherited = normalise_region(store.region)
            if inherited is not None:
                return Placement(inherited, store.id)
    return Placement(None, None)


def upstream_of(asset: Asset, graph: InventoryGraph) -> Iterator[Upstream]:
    """The assets one lineage step upstream, per the shared lineage conventions."""
    for relation in graph.outgoing(asset.id, *_DIRECT_UPSTREAM):
        source = graph.get(relation.dst)
        if source is not None:
            yield Upstream(source, relation.kind.value, (source.id, asset.id))
    for written in graph.incoming(asset.id, RelationKind.WRITES):
        for read in graph.outgoing(written.src, RelationKind.READS):
            source = graph.get(read.dst)
            if source is not None and source.id != asset.id:
                yield Upstream(source, "READS/WRITES", (source.id, written.src, asset.id))


def residency_facts(
    asset: Asset, graph: InventoryGraph, policies: Sequence[ResidencyPolicy]
) -> dict[str, Any]:
    """The ``residency_*`` properties for one asset; empty when no policy covers it."""
    return _Evaluation(graph, policies).facts(asset)


class _Evaluation:
    """One pass over one graph: placements and policy answers are remembered, since every
    asset is looked at once as itself and again as the upstream of what was built from it."""

    def __init__(self, graph: InventoryGraph, policies: Sequence[ResidencyPolicy]) -> None:
        self.graph = graph
        self.policies = list(policies)
        self._placements: dict[str, Placement] = {}
        self._allowed: dict[tuple[int, str], bool] = {}
        self._covered: dict[tuple[int, frozenset[str]], list[str]] = {}

    def place(self, asset: Asset) -> Placement:
        found = self._placements.get(asset.id)
        if found is None:
            found = self._placements[asset.id] = placement(asset, self.graph)
        return found

    def allows(self, index: int, region: str) -> bool:
        key = (index, region)
        if key not in self._allowed:
            self._allowed[key] = allows(self.policies[index], region)
        return self._allowed[key]

    def covered(self, index: int, classes: frozenset[str]) -> list[str]:
        key = (index, classes)
        if key not in self._covered:
            self._covered[key] = covered(set(classes), self.policies[index])
        return self._covered[key]

    def facts(self, asset: Asset) -> dict[str, Any]:
        held = frozenset(held_classes(asset))
        every = held | derived_classes(asset)
        governing = [(i, self.covered(i, every)) for i in range(len(self.policies))]
        governing = [(i, classes) for i, classes in governing if classes]
        flows = self.flows(asset)
        if not governing and not flows:
            return {}
        place = self.place(asset)
        violations = [
            {
                "policy": self.policies[i].name,
                "classes": classes,
                "at_rest": self.covered(i, held),
                "region": place.region,
                "allowed": allowed_places(self.policies[i]),
            }
            for i, classes in governing
            if place.region is not None and not self.allows(i, place.region)
        ]
        names = {self.policies[i].name for i, _ in governing} | {f["policy"] for f in flows}
        return {
            "residency_region": place.region,
            "residency_region_from": place.source,
            "residency_policies": sorted(names),
            "residency_violations": violations,
            "residency_flows": flows,
        }

    def flows(self, asset: Asset) -> list[dict[str, Any]]:
        region = self.place(asset).region
        if region is None:
            return []
        outside = [i for i in range(len(self.policies)) if not self.allows(i, region)]
        if not outside:
            return []
        flows: list[dict[str, Any]] = []
        seen: set[tuple[int, str]] = set()
        for step in upstream_of(asset, self.graph):
            upstream = frozenset(held_classes(step.asset) | derived_classes(step.asset))
            if not upstream:
                continue
            from_region = self.place(step.asset).region
            for i in outside:
                classes = self.covered(i, upstream)
                if not classes or (i, step.asset.id) in seen:
                    continue
                if from_region is not None and not self.allows(i, from_region):
                    continue  # already outside: reported where it first left
                seen.add((i, step.asset.id))
                flows.append(
                    {
                        "policy": self.policies[i].name,
                        "classes": classes,
                        "from": step.asset.id,
                        "from_region": from_region,
                        "region": region,
                        "allowed": allowed_places(self.policies[i]),
                        "via": step.via,
                        "path": list(step.path),
                    }
                )
                if len(flows) >= MAX_FLOWS_PER_ASSET:
                    return flows
        return flows


class ResidencyPass:
    """Graph pass recording residency facts on every asset a policy covers."""

    name = "residency"

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        policies = config.data.residency
        if not policies:
            return []
        evaluation = _Evaluation(graph, policies)
        updated = [
            replace(asset, properties={**asset.properties, **facts})
            for asset in list(graph.assets())
            if (facts := evaluation.facts(asset))
        ]
        for asset in updated:
            graph.add_asset(asset)
        return []
