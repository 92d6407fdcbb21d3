"""A model that a serving component loads carries no verified signature."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from stackward.artifacts.signing import UNVERIFIED, VERIFIED
from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, RelationKind, Severity

SERVING_KINDS = frozenset(
    {
        AssetKind.MODEL_ENDPOINT,
        AssetKind.AI_SERVICE,
        AssetKind.LLM_SERVICE,
        AssetKind.K8S_WORKLOAD,
    }
)
SERVING_CODE = re.compile(r"(serv|inferenc|predict|handler|endpoint|^app\.py$|^api)", re.I)
"""Source files whose names say they serve models (``serve.py``, ``inference_handler.py``)."""


def serving_loaders(asset: Asset, graph: InventoryGraph) -> list[Asset]:
    loaders = graph.predecessors(asset.id, RelationKind.LOADS_MODEL)
    return [
        a
        for a in loaders
        if a.kind in SERVING_KINDS
        or (a.kind is AssetKind.SOURCE_FILE and SERVING_CODE.search(a.name))
    ]


class UnsignedServedModelCheck(Check):
    meta = CheckMeta(
        id="SW-MODEL-012",
        title="Served model has no verified signature",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.M0013"),
            atlas("AML.M0014"),
            atlas("AML.T0010.003"),
            nist("MANAGE 2.4"),
            nist("GOVERN 6.1"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "A serving component loads this model, but nothing proves who produced it: without"
            " a verified signature a swapped or backdoored file is served as if it were the"
            " reviewed one."
        ),
        remediation=(
            "Sign released models with OpenSSF model-signing (model_signing sign key|certificate"
            " MODEL), publish model.sig beside them, list the verifying keys under"
            " artifacts.signing in stackward.yaml, and verify before loading in serving."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        loaders = serving_loaders(asset, graph)
        if not loaders:
            return
        signature = asset.prop("signature")
        status = signature.get("status") if isinstance(signature, Mapping) else None
        if status == VERIFIED:
            return
        names = ", ".join(sorted(a.id for a in loaders)[:3])
        yield Violation(
            Evidence(
                location=str(asset.prop("path", asset.source)),
                snippet=f"loaded by {names}",
                key="unsigned",
            ),
            detail=(
                "signature present but not verified: configure artifacts.signing keys"
                if status == UNVERIFIED
                else f"no model-signing signature; loaded by {names}"
            ),
            severity=Severity.LOW if status == UNVERIFIED else None,
        )
