"""Privileged, host-namespace or hostPath pods among AI, GPU and training workloads."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import WORKLOAD_KINDS, ai_category, containers
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


def host_access(asset: Asset) -> Iterator[tuple[str, str]]:
    """(key, description) for each way the pod reaches into its node."""
    for container in containers(asset):
        if (container.get("security") or {}).get("privileged"):
            yield f"privileged/{container['name']}", f"container {container['name']} is privileged"
    for flag, label in (
        ("host_network", "hostNetwork"),
        ("host_pid", "hostPID"),
        ("host_ipc", "hostIPC"),
    ):
        if asset.prop(flag):
            yield label, f"pod uses {label}"
    for volume in asset.prop("host_path_volumes") or ():
        yield (
            f"hostPath/{volume['path']}",
            f"hostPath volume {volume['name']} mounts {volume['path']}",
        )


class PrivilegedAIWorkloadCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-008",
        title="AI or GPU workload with privileged or host access",
        severity=Severity.HIGH,
        layer=Layer.INFRASTRUCTURE,
        kinds=WORKLOAD_KINDS,
        refs=(atlas("AML.T0105"), atlas("AML.T0010.001"), nist("MANAGE 2.4"), nist("MEASURE 2.7")),
        rationale=(
            "GPU and training pods often run privileged or mount host paths for drivers and model"
            " caches. Any code they run (a malicious model, a poisoned dependency, a notebook"
            " user) then escapes to the node and every pod and credential on it."
        ),
        remediation=(
            "Use the NVIDIA device plugin or GPU operator instead of privileged mode, drop"
            " hostNetwork/hostPID/hostIPC, and replace hostPath caches with PVCs or read-only"
            " volumes."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not (ai_category(asset) or asset.prop("gpus")):
            return
        for key, description in host_access(asset):
            yield Violation(
                Evidence(location=asset.source, snippet=description, key=key), detail=description
            )
