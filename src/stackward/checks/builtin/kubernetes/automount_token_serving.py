"""Serving pods that mount a Kubernetes API token they do not need."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import (
    SERVING_CATEGORIES,
    WORKLOAD_KINDS,
    ai_category,
    component_name,
)
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, RelationKind, Severity


def token_mounted(workload: Asset, graph: InventoryGraph) -> bool:
    """The pod setting wins; otherwise the service account's; Kubernetes defaults to mounting."""
    pod_setting = workload.prop("automount_token")
    if isinstance(pod_setting, bool):
        return pod_setting
    accounts = graph.successors(workload.id, RelationKind.RUNS_AS)
    return not accounts or any(a.prop("automount_token") is not False for a in accounts)


class ServingTokenAutomountCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-011",
        title="Model-serving pod automounts its service-account token",
        severity=Severity.MEDIUM,
        layer=Layer.IDENTITY,
        kinds=WORKLOAD_KINDS,
        refs=(atlas("AML.T0055"), atlas("AML.T0012"), nist("MANAGE 2.4"), nist("MEASURE 2.7")),
        rationale=(
            "Inference servers parse untrusted prompts and load third-party models; a code"
            " execution bug or malicious model then finds a ready Kubernetes API token in"
            " /var/run/secrets. Serving pods almost never need to call the API."
        ),
        remediation=(
            "Set automountServiceAccountToken: false on the pod spec (or on its service account)"
            " and project a token explicitly only where the server needs the API."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if ai_category(asset) not in SERVING_CATEGORIES or not token_mounted(asset, graph):
            return
        account = asset.prop("service_account") or "default"
        yield Violation(
            Evidence(
                location=asset.source,
                snippet=f"{component_name(asset)} mounts the token of service account {account}",
                key=asset.id,
            ),
            detail=component_name(asset),
        )
