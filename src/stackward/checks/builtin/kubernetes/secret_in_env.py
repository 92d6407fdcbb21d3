"""Credentials written as literal environment values in pod specs."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import WORKLOAD_KINDS, containers, is_k8s_workload
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class SecretInEnvValueCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-009",
        title="Secret set as a plain environment value",
        severity=Severity.HIGH,
        layer=Layer.IDENTITY,
        kinds=WORKLOAD_KINDS,
        refs=(
            atlas("AML.T0055"),
            atlas("AML.M0012"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "A literal credential in a manifest lives in git, in every rendered chart, in the"
            " API server's object history and in anything that can read the pod spec; model-hub"
            " tokens and provider API keys leaked this way are harvested within minutes."
        ),
        remediation=(
            "Move the value into a Secret (or an external secret store) and reference it with"
            " valueFrom.secretKeyRef; rotate the exposed credential."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not is_k8s_workload(asset):
            return
        for container in containers(asset):
            for env in container.get("env") or ():
                if env.get("secret_like"):
                    yield Violation(
                        Evidence(
                            location=asset.source,
                            snippet=f"{container['name']}: {env['name']}={env.get('value', '')}",
                            key=f"{container['name']}/{env['name']}",
                        ),
                        detail=f"{env['name']} in container {container['name']}",
                    )
