"""AI containers that do not forbid privilege escalation."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import WORKLOAD_KINDS, ai_category, containers
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class AIPrivilegeEscalationCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-018",
        title="AI container allows privilege escalation",
        severity=Severity.LOW,
        layer=Layer.INFRASTRUCTURE,
        kinds=WORKLOAD_KINDS,
        refs=(atlas("AML.T0105"), nist("MANAGE 2.4")),
        rationale=(
            "Unless allowPrivilegeEscalation is false, setuid binaries in the image let code run"
            " by a notebook user or a malicious model gain more privileges than the container"
            " started with."
        ),
        remediation="Set allowPrivilegeEscalation: false in every container's securityContext.",
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not ai_category(asset):
            return
        for container in containers(asset):
            security = container.get("security") or {}
            if security.get("allow_privilege_escalation") is False and not security.get(
                "privileged"
            ):
                continue
            detail = f"{container['name']} does not set allowPrivilegeEscalation: false"
            yield Violation(
                Evidence(location=asset.source, snippet=detail, key=str(container["name"])),
                detail=detail,
            )
