"""Workload images referenced by a mutable tag instead of a digest."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.kubernetes.facts import (
    WORKLOAD_KINDS,
    ai_category,
    containers,
    is_k8s_workload,
)
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class MutableImageTagCheck(Check):
    meta = CheckMeta(
        id="SW-K8S-012",
        title="Container image not pinned by digest",
        severity=Severity.MEDIUM,
        layer=Layer.SUPPORTIVE,
        kinds=WORKLOAD_KINDS,
        refs=(
            atlas("AML.T0010.004"),
            atlas("AML.T0010.001"),
            atlas("AML.M0014"),
            nist("MANAGE 3.1"),
            nist("MAP 4.1"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "A tag such as latest (or none at all) can point at different code on every pull;"
            " whoever can push to the repository, or poison a mirror, changes what runs. AI"
            " serving images are large, fast-moving and often pulled from public hubs."
        ),
        remediation=(
            "Reference images as repository@sha256:<digest> (tags may stay for readability) and"
            " update digests through a reviewed change."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if not is_k8s_workload(asset):
            return
        for container in containers(asset):
            if container.get("image_digest") or not container.get("image"):
                continue
            tag = str(container.get("image_tag") or "")
            if tag in ("", "latest"):
                detail, severity = (
                    f"{container['image']} uses {'latest' if tag else 'no tag'}",
                    Severity.MEDIUM,
                )
            elif ai_category(asset):
                detail, severity = f"{container['image']} is pinned by tag only", Severity.LOW
            else:
                continue
            yield Violation(
                Evidence(
                    location=asset.source,
                    snippet=f"{container['name']}: {container['image']}",
                    key=str(container["name"]),
                ),
                detail=detail,
                severity=severity,
            )
