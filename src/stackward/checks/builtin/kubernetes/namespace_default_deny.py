"""Namespaces running AI workloads without a default-deny ingress NetworkPolicy."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import is_ai_namespace
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity


def is_default_deny_ingress(policy: Asset) -> bool:
    """Selects every pod, restricts ingress and allows none."""
    return (
        bool(policy.prop("selects_all_pods"))
        and "Ingress" in (policy.prop("policy_types") or ())
        and not policy.prop("ingress_rules")
    )


class NamespaceWithoutDefaultDenyCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-006",
        title="AI namespace without a default-deny ingress NetworkPolicy",
        severity=Severity.MEDIUM,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.K8S_NAMESPACE}),
        refs=(
            atlas("AML.M0019"),
            atlas("AML.T0049"),
            nist("MANAGE 2.4"),
            nist("GOVERN 1.6"),
        ),
        rationale=(
            "Without a default-deny policy every pod in the cluster can reach the model servers,"
            " notebooks and vector stores in this namespace, so one compromised workload anywhere"
            " reaches the AI stack directly; most AI services trust their network."
        ),
        remediation=(
            "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] and no ingress"
            " rules, then allow only the callers each AI service needs."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not asset.id.startswith("k8s") or not is_ai_namespace(asset):
            return
        policies = [
            p
            for p in graph.successors(asset.id, RelationKind.CONTAINS)
            if p.kind is AssetKind.K8S_NETWORK_POLICY
        ]
        if any(is_default_deny_ingress(p) for p in policies):
            return
        components = ", ".join(asset.prop("ai_components") or ())
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"namespace {asset.name} runs {components}; {len(policies)} NetworkPolicies, none default-deny",
                key=asset.id,
            ),
            detail=asset.name,
        )
