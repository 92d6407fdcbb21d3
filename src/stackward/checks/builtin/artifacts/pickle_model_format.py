"""Models stored in pickle-based formats run code when loaded."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

PICKLE_FORMATS = ("pickle", "pytorch zip", "archive of pickled models")


class PickleModelFormatCheck(Check):
    meta = CheckMeta(
        id="SW-MODEL-001",
        title="Model stored in a pickle-based format",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0011.000"),
            atlas("AML.T0010.003"),
            atlas("AML.M0014"),
            nist("MANAGE 2.4"),
            nist("MAP 4.1"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "Pickle, PyTorch .pt/.bin/.ckpt and joblib files execute arbitrary code on load, so"
            " whoever can write the file controls every process that loads it."
        ),
        remediation=(
            "Convert the weights to safetensors (or ONNX) and load with weights-only loaders;"
            " until then, scan the file before every load and restrict who can write it."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        fmt = str(asset.prop("format", ""))
        if not fmt.startswith(PICKLE_FORMATS):
            return
        issues = asset.prop("artifact_issues")
        verified_clean = isinstance(issues, list | tuple) and not issues
        yield Violation(
            Evidence(location=str(asset.prop("path", asset.source)), snippet=fmt),
            detail=(
                "content scanned: only allow-listed globals; the format still runs code on load"
                if verified_clean
                else fmt
            ),
            severity=Severity.LOW if verified_clean else None,
        )
