"""AI containers that may run as root."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import WORKLOAD_KINDS, ai_category, containers
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class AIContainerRunsAsRootCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-015",
        title="AI container may run as root",
        severity=Severity.MEDIUM,
        layer=Layer.INFRASTRUCTURE,
        kinds=WORKLOAD_KINDS,
        refs=(atlas("AML.T0105"), atlas("AML.T0011.000"), nist("MANAGE 2.4"), nist("MEASURE 2.7")),
        rationale=(
            "AI images (vLLM, Ollama, Jupyter, Ray) commonly run as root. Loading an untrusted"
            " model or running a notebook cell then executes as root in the container, one"
            " kernel or runtime bug from the node."
        ),
        remediation=(
            "Set runAsNonRoot: true and a non-zero runAsUser in the pod or container security"
            " context; use images built to run unprivileged."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not ai_category(asset):
            return
        for container in containers(asset):
            security = container.get("security") or {}
            user = security.get("run_as_user")
            if user == 0:
                detail = f"{container['name']} sets runAsUser: 0"
            elif security.get("run_as_non_root") is not True and user is None:
                detail = f"{container['name']} neither sets runAsNonRoot nor a non-root runAsUser"
            else:
                continue
            yield Violation(
                Evidence(location=asset.source, snippet=detail, key=str(container["name"])),
                detail=detail,
            )
