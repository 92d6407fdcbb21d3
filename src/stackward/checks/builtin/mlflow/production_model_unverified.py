"""A model version marked for production has files nobody scanned, signed or found safe."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.artifacts.issues import IssueKind
from stackward.artifacts.signing import VERIFIED
from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

UNSAFE = frozenset({"high", "critical"})


def _unsafe_issues(asset: Asset) -> list[Mapping[str, object]]:
    issues = asset.prop("artifact_issues", ())
    return [
        i
        for i in (issues if isinstance(issues, list | tuple) else ())
        if isinstance(i, Mapping)
        and i.get("severity") in UNSAFE
        and i.get("kind") != IssueKind.UNSCANNABLE
    ]


class UnverifiedProductionModelCheck(Check):
    meta = CheckMeta(
        id="SW-MLF-003",
        title="Production MLflow model version is unscanned, unsigned or unsafe",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0010.003"),
            atlas("AML.T0018"),
            nist("MANAGE 2.4"),
            nist("GOVERN 6.1"),
            owasp_llm("LLM03"),
            owasp_llm("LLM05"),
        ),
        rationale=(
            "Serving loads whatever the production alias or stage points at. A version whose"
            " files were never scanned, carry no verified signature, or hold code that runs on"
            " load lets anyone who can register a version, or write to the artifact store, run"
            " code in production."
        ),
        remediation=(
            "Scan the version's files (stackward scan on the artifact store, or from the server's"
            " host for a local store), sign released models with OpenSSF model-signing and verify"
            " before moving the alias; never promote a version with code-execution findings."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("service") != "mlflow" or asset.prop("production") is not True:
            return
        marks = ", ".join(
            [f"alias {a}" for a in asset.prop("aliases", ()) or ()]
            + ([f"stage {asset.prop('stage')}"] if asset.prop("stage") == "Production" else [])
        )
        location = str(asset.prop("path") or asset.prop("model_source") or asset.source)
        scan = asset.prop("artifact_scan")
        if scan not in ("scanned", "partial"):
            reason = asset.prop("artifact_scan_reason") or "no scan result"
            yield Violation(
                Evidence(
                    location, f"{asset.name} ({marks}): not scanned: {reason}", key="unscanned"
                ),
                detail=f"{asset.name} is in production ({marks}) but its files were not scanned",
            )
            return
        unsafe = _unsafe_issues(asset)
        if unsafe:
            kinds = sorted({str(i.get("kind")) for i in unsafe})
            yield Violation(
                Evidence(location, f"{asset.name} ({marks}): {', '.join(kinds)}", key="unsafe"),
                detail=f"{asset.name} is in production ({marks}) with {len(unsafe)} unsafe issue(s)",
                severity=Severity.CRITICAL,
            )
        signature = asset.prop("signature")
        status = signature.get("status") if isinstance(signature, Mapping) else None
        if status != VERIFIED:
            yield Violation(
                Evidence(
                    location,
                    f"{asset.name} ({marks}): signature {status or 'absent'}",
                    key="unsigned",
                ),
                detail=f"{asset.name} is in production ({marks}) without a verified signature",
                severity=Severity.MEDIUM,
            )
