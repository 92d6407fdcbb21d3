"""Model graph uses an operator that touches files or native code."""

from __future__ import annotations

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import CheckMeta
from stackward.checks.builtin.artifacts.issue_check import ArtifactIssueCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class UnsafeOperatorCheck(ArtifactIssueCheck):
    issue_kind = IssueKind.UNSAFE_OPERATOR
    meta = CheckMeta(
        id="SW-MODEL-004",
        title="Model graph uses an operator that touches files or native code",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0011.000"),
            atlas("AML.T0010.003"),
            atlas("AML.M0014"),
            atlas("AML.M0016"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "TensorFlow ReadFile/WriteFile/PyFunc nodes and ONNX operators from custom domains run outside the tensor math: they read or write files on the serving host or need a native library loaded at inference time."
        ),
        remediation=(
            "Rebuild the model without file-system and Python-callback operators; serve only graphs whose operators come from the standard domains, and load custom-op libraries only from reviewed builds."
        ),
        detection=True,
    )
