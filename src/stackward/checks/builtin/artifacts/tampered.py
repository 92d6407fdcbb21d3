"""A model artifact changed since its recorded baseline, and no verified signature covers it."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.artifacts.provenance import content_digest, signature_verified
from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class TamperedArtifactCheck(Check):
    meta = CheckMeta(
        id="SW-MODEL-010",
        title="Model artifact changed since its baseline without a new signature",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0018"),
            atlas("AML.T0010.003"),
            atlas("AML.M0014"),
            atlas("AML.M0013"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM04"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "The same artifact now has different bytes than when it was first recorded, and"
            " no verified signature vouches for the new content. Backdoored weights and"
            " swapped checkpoints look exactly like this."
        ),
        remediation=(
            "Find who wrote the new version and why. If the change is legitimate, sign the"
            " model (model_signing sign) or rescan with --accept-model-changes to move the"
            " baseline; otherwise restore the baselined version and investigate the writer."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        baseline = asset.prop("baseline_sha256")
        current = content_digest(asset)
        if not isinstance(baseline, str) or current is None:
            return
        if baseline == current or signature_verified(asset):
            return
        yield Violation(
            Evidence(
                location=str(asset.prop("path", asset.source)),
                snippet=f"digest was {baseline[:16]}…, now {current[:16]}…",
                key="sha256",
            ),
            detail=f"content changed: baseline {baseline}, now {current}",
        )
