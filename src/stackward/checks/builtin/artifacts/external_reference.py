"""Model makes its loader read a file outside the model directory."""

from __future__ import annotations

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import CheckMeta
from stackward.checks.builtin.artifacts.issue_check import ArtifactIssueCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class ExternalReferenceCheck(ArtifactIssueCheck):
    issue_kind = IssueKind.EXTERNAL_REFERENCE
    meta = CheckMeta(
        id="SW-MODEL-005",
        title="Model makes its loader read a file outside the model directory",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0011.000"),
            atlas("AML.T0010.003"),
            atlas("AML.M0014"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "ONNX external data is read from the path the model names; a path that escapes the model directory makes the loader read (and often expose through outputs) arbitrary files such as credentials."
        ),
        remediation=(
            "Keep external data files beside the model with relative names that stay inside its directory; reject models whose external data paths are absolute or contain '..'."
        ),
        detection=True,
    )
