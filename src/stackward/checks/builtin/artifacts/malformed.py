"""Model file violates its own format."""

from __future__ import annotations

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import CheckMeta
from stackward.checks.builtin.artifacts.issue_check import ArtifactIssueCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class MalformedArtifactCheck(ArtifactIssueCheck):
    issue_kind = IssueKind.MALFORMED
    meta = CheckMeta(
        id="SW-MODEL-007",
        title="Model file violates its own format",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0010.003"),
            atlas("AML.M0014"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "Headers whose offsets overlap or point past the end of the file, duplicate keys and truncated streams make different loaders see different content (a way to hide tensors or payloads from scanners) or crash native parsers."
        ),
        remediation=(
            "Re-export the model with the reference library and compare it against the source of record; reject files that do not parse cleanly."
        ),
        detection=False,
    )
