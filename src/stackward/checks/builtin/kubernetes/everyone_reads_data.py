"""An everyone-group (every user, every service account, or anonymous) reads data or Secrets."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.data_reach import describe, is_k8s_principal, rbac_reach
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class EveryoneReadsDataCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-022",
        title="Everyone can read data or model volumes or Secrets",
        severity=Severity.HIGH,
        layer=Layer.IDENTITY,
        kinds=frozenset({AssetKind.IAM_ROLE}),
        refs=(
            atlas("AML.T0036"),
            atlas("AML.T0035"),
            atlas("AML.T0012"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "A binding to system:authenticated, system:serviceaccounts or"
            " system:unauthenticated hands its permissions to every identity of the cluster"
            " (or to anyone who can reach the API server), so one stolen token or compromised"
            " pod is enough to read the training data, model weights and credentials it covers."
        ),
        remediation=(
            "Remove the everyone-group from the binding; bind the role to the service accounts"
            " that need it and limit Secret access to named Secrets with resourceNames."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not is_k8s_principal(asset) or asset.prop("everyone") is not True:
            return
        readable = [r for r in rbac_reach(asset, graph) if "read" in r.access]
        if not readable:
            return
        anonymous = asset.prop("unauthenticated") is True
        what = describe(readable)
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"{readable[0].chain} ({', '.join(readable[0].privileges)})"[:200],
                key=asset.id,
            ),
            detail=f"{asset.name} can read {what}",
            severity=Severity.CRITICAL if anonymous else Severity.HIGH,
        )
