"""A model artifact does not match the signature published beside it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.artifacts.signing import DIGEST_MISMATCH, INVALID
from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class SignatureMismatchCheck(Check):
    meta = CheckMeta(
        id="SW-MODEL-011",
        title="Model artifact does not match its signature or published digest",
        severity=Severity.CRITICAL,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0018"),
            atlas("AML.T0010.003"),
            atlas("AML.M0014"),
            atlas("AML.M0013"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM03"),
            owasp_llm("LLM04"),
        ),
        rationale=(
            "The model-signing signature beside the model lists a different SHA-256 for this"
            " file, or no trusted key verifies the signature: the bytes are not the ones the"
            " publisher signed."
        ),
        remediation=(
            "Do not load the file. Restore the signed version from the registry of record,"
            " find who wrote the current bytes, and re-sign only after review."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        hub = asset.prop("hub_cache")
        if isinstance(hub, Mapping) and hub.get("status") == DIGEST_MISMATCH:
            yield Violation(
                Evidence(
                    location=str(asset.prop("path", asset.source)),
                    snippet=f"hub blob {str(hub.get('blob', ''))[:16]}…",
                    key="hub-blob",
                ),
                detail=(
                    f"{hub.get('repo')}: the cached file no longer hashes to its blob name"
                    f" {hub.get('blob')}"
                ),
            )
        signature = asset.prop("signature")
        if not isinstance(signature, Mapping):
            return
        status = signature.get("status")
        if status not in (DIGEST_MISMATCH, INVALID):
            return
        yield Violation(
            Evidence(
                location=str(asset.prop("path", asset.source)),
                snippet=f"{signature.get('path', '')}: {status}",
                key=str(status),
            ),
            detail=str(signature.get("detail", status))[:300],
        )
