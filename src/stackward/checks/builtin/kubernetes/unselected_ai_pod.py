"""AI workloads that no ingress NetworkPolicy selects."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import WORKLOAD_KINDS, ai_category, component_name
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, RelationKind, Severity


class UnsegmentedAIWorkloadCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-007",
        title="AI workload not selected by any ingress NetworkPolicy",
        severity=Severity.MEDIUM,
        layer=Layer.INFRASTRUCTURE,
        kinds=WORKLOAD_KINDS,
        refs=(atlas("AML.M0019"), atlas("AML.T0040"), nist("MANAGE 2.4"), nist("MEASURE 2.7")),
        rationale=(
            "A pod that no NetworkPolicy selects accepts connections from every pod in the"
            " cluster. AI services rarely authenticate internal callers, so the network is their"
            " only boundary."
        ),
        remediation=(
            "Select the workload's pods with a NetworkPolicy that restricts ingress to the"
            " gateways and clients that need it (a namespace default-deny covers every pod)."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not ai_category(asset):
            return
        for policy in graph.predecessors(asset.id, RelationKind.SELECTS):
            if "Ingress" in (policy.prop("policy_types") or ()):
                return
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"{component_name(asset)} pods with labels {dict(asset.prop('pod_labels') or {})} match no ingress NetworkPolicy",
                key=asset.id,
            ),
            detail=component_name(asset),
        )
