"""AI containers that add dangerous Linux capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import WORKLOAD_KINDS, ai_category, containers
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity

DANGEROUS = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "NET_ADMIN",
        "SYS_PTRACE",
        "SYS_MODULE",
        "DAC_READ_SEARCH",
        "BPF",
        "PERFMON",
        "NET_RAW",
        "SYS_RAWIO",
    }
)


class DangerousCapabilitiesCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-020",
        title="AI container adds dangerous Linux capabilities",
        severity=Severity.HIGH,
        layer=Layer.INFRASTRUCTURE,
        kinds=WORKLOAD_KINDS,
        refs=(atlas("AML.T0105"), atlas("AML.T0010.001"), nist("MANAGE 2.4"), nist("MEASURE 2.7")),
        rationale=(
            "SYS_ADMIN, SYS_PTRACE, NET_ADMIN and similar capabilities are near-root on the node;"
            " GPU images copy them from setup guides, and any code the model server or notebook"
            " runs inherits them."
        ),
        remediation="Drop ALL capabilities and add back only what the process provably needs (usually none).",
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not ai_category(asset):
            return
        for container in containers(asset):
            added = sorted(
                DANGEROUS & set((container.get("security") or {}).get("capabilities_add") or ())
            )
            if added:
                detail = f"{container['name']} adds {', '.join(added)}"
                yield Violation(
                    Evidence(location=asset.source, snippet=detail, key=str(container["name"])),
                    detail=detail,
                )
