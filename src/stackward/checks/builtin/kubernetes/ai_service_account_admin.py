"""Service accounts in AI namespaces bound to cluster-admin or to wildcard Secret access."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import in_ai_namespace
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity


class OverprivilegedAIServiceAccountCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-010",
        title="Service account in an AI namespace with cluster-admin or wildcard Secret access",
        severity=Severity.HIGH,
        layer=Layer.IDENTITY,
        kinds=frozenset({AssetKind.K8S_SERVICE_ACCOUNT}),
        refs=(
            atlas("AML.T0012"),
            atlas("AML.T0055"),
            atlas("AML.M0019"),
            nist("MANAGE 2.4"),
            nist("GOVERN 1.6"),
            owasp_llm("LLM06"),
        ),
        rationale=(
            "Notebooks, agents and model servers run code an attacker can influence. When their"
            " service account is cluster-admin, or may do anything with Secrets, one"
            " compromised pod reads every credential in scope and takes over the cluster."
        ),
        remediation=(
            "Bind AI service accounts to namespaced Roles with only the verbs and resources they"
            " use; name the Secrets they may read with resourceNames, and never bind cluster-admin"
            " to a workload identity."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not asset.id.startswith("k8s") or not in_ai_namespace(asset, graph):
            return
        for edge in graph.outgoing(asset.id, RelationKind.BOUND_TO):
            role = graph.get(edge.dst)
            if role is None:
                continue
            scope = str(edge.properties.get("scope", ""))
            where = "cluster-wide" if scope == "cluster" else f"in namespace {scope}"
            if role.prop("cluster_admin"):
                problem, severity = (
                    f"bound to {role.name} (all verbs on all resources) {where}",
                    Severity.CRITICAL,
                )
            elif role.prop("wildcard_secrets"):
                verbs = ",".join(role.prop("secret_verbs") or ())
                problem, severity = (
                    f"wildcard access to Secrets ({verbs}) through {role.name} {where}",
                    Severity.HIGH,
                )
            else:
                continue
            binding = graph.get(str(edge.properties.get("binding", "")))
            yield Violation(
                Evidence(
                    location=binding.source if binding is not None else asset.source,
                    snippet=f"{asset.id} {problem}",
                    key=role.id,
                ),
                detail=problem,
                severity=severity,
            )
