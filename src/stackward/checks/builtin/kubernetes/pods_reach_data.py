"""A subject that is not an administrator can run or exec into pods that mount data or Secrets."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.data_reach import (
    POD_PRIVILEGES,
    describe,
    is_k8s_principal,
    rbac_reach,
)
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

SYSTEM_NAMESPACES = frozenset({"kube-system"})


class PodsReachDataCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-023",
        title="Non-admin subject can run or exec into pods that mount data, models or Secrets",
        severity=Severity.MEDIUM,
        layer=Layer.IDENTITY,
        kinds=frozenset({AssetKind.K8S_SERVICE_ACCOUNT, AssetKind.IAM_ROLE}),
        refs=(
            atlas("AML.T0035"),
            atlas("AML.T0036"),
            atlas("AML.T0012"),
            nist("MANAGE 2.4"),
            nist("GOVERN 1.6"),
            owasp_llm("LLM02"),
            owasp_llm("LLM04"),
        ),
        rationale=(
            "Whoever can create pods (or Deployments, Jobs, ...) in a namespace can mount any"
            " of its Secrets and volumes, and pods/exec opens a shell in a pod that already"
            " mounts them: the training data, checkpoints and model weights on those volumes"
            " can be copied out or silently changed by a subject that was never meant to hold"
            " data access."
        ),
        remediation=(
            "Drop create on pods and workload controllers and pods/exec / pods/attach from roles"
            " of subjects that do not deploy; keep data volumes in namespaces where only the"
            " pipeline's own service account may start pods."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not is_k8s_principal(asset) or asset.prop("everyone") is True:
            return
        if asset.name.startswith("system:") or asset.prop("namespace") in SYSTEM_NAMESPACES:
            return
        reach = rbac_reach(asset, graph)
        if any("admin" in r.access for r in reach):
            return  # an administrator: the admin and wildcard checks judge that grant
        through_pods = [
            r
            for r in reach
            if POD_PRIVILEGES & set(r.privileges)
            and (r.target.sensitive or r.target.prop("workload_kind") is not None)
        ]
        if not through_pods:
            return
        first = through_pods[0]
        pod_privileges = sorted(POD_PRIVILEGES & set(first.privileges))
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"{first.chain} ({', '.join(pod_privileges)})"[:200],
                key=asset.id,
            ),
            detail=f"{asset.name} reaches {describe(through_pods)} through pods",
        )
