"""LLM and model servers without memory or CPU limits."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import (
    SERVING_CATEGORIES,
    WORKLOAD_KINDS,
    ai_category,
    containers,
)
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class ServingWithoutResourceLimitsCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-016",
        title="Model server without resource limits",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=WORKLOAD_KINDS,
        refs=(
            atlas("AML.T0029"),
            atlas("AML.T0034"),
            atlas("AML.M0004"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.6"),
            owasp_llm("LLM10"),
        ),
        rationale=(
            "Long prompts, large batches and many concurrent generations make an inference"
            " server's memory and CPU use unbounded; without limits one abusive client starves"
            " every other pod on the GPU node (unbounded consumption)."
        ),
        remediation=(
            "Set memory and CPU limits on every serving container, and bound request size and"
            " concurrency in the server (for vLLM --max-model-len and --max-num-seqs)."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if ai_category(asset) not in SERVING_CATEGORIES:
            return
        for container in containers(asset, include_init=False):
            if container.get("sidecar"):
                continue
            limits = (container.get("resources") or {}).get("limits") or {}
            missing = [r for r in ("memory", "cpu") if r not in limits]
            if missing:
                detail = f"{container['name']} has no {' or '.join(missing)} limit"
                yield Violation(
                    Evidence(location=asset.source, snippet=detail, key=str(container["name"])),
                    detail=detail,
                )
