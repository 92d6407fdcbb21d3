"""Part of a model artifact could not be inspected."""

from __future__ import annotations

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import CheckMeta
from stackward.checks.builtin.artifacts.issue_check import ArtifactIssueCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class UnscannableArtifactCheck(ArtifactIssueCheck):
    issue_kind = IssueKind.UNSCANNABLE
    meta = CheckMeta(
        id="SW-MODEL-009",
        title="Part of a model artifact could not be inspected",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.M0016"),
            atlas("AML.M0014"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "Encrypted members, unsupported compression, or content past the scanner's limits were not analysed; a payload there would go unseen."
        ),
        remediation=(
            "Provide the content in a readable form (decrypt, recompress with a standard codec) or raise the artifacts limits in stackward.yaml, then scan again."
        ),
        detection=False,
    )
