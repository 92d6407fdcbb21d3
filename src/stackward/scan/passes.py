"""Graph passes: work that needs what every collector found, done before checks run.

A collector sees only its own sources, so facts that join sources are computed here on the
whole inventory: lineage datasets matched to the classified datasets they name, one node for
a cloud resource two collectors describe (a SageMaker endpoint from Terraform and from
describe output), access-log usage matched to the principals and assets it concerns, classes
carried down lineage to the models and endpoints built from the data, and regions checked
against residency policies. Passes run in the order listed; each reads the
graph, replaces assets or adds relations, and returns what it could not use as
:class:`Skipped` entries. A pass that fails is reported and the scan goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from stackward.config.schema import ScanConfig
from stackward.dspm.residency import ResidencyPass
from stackward.fingerprint.kubernetes_pass import KubernetesServiceProbePass
from stackward.graph.inventory import InventoryGraph
from stackward.lineage.link import LineageLinkPass
from stackward.lineage.propagate import PropagationPass
from stackward.lineage.resource_merge import ResourceMergePass
from stackward.model import Skipped
from stackward.usage import UsagePass


class GraphPass(Protocol):
    name: str

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        """Enrich ``graph`` in place. Never raise for bad input: return a Skipped."""
        ...


def builtin_passes() -> list[GraphPass]:
    """The passes of a scan, in the order they run."""
    return [
        LineageLinkPass(),
        ResourceMergePass(),
        KubernetesServiceProbePass(),
        UsagePass(),
        PropagationPass(),
        ResidencyPass(),
    ]


def apply_passes(
    graph: InventoryGraph, config: ScanConfig, passes: Sequence[GraphPass] | None = None
) -> list[Skipped]:
    skipped: list[Skipped] = []
    for graph_pass in builtin_passes() if passes is None else passes:
        try:
            skipped.extend(graph_pass.apply(graph, config))
        except Exception as exc:  # a pass bug must not lose the rest of the scan
            skipped.append(
                Skipped(graph_pass.name, f"pass failed: {type(exc).__name__}: {exc}", "scan")
            )
    return skipped
