"""Model archive uses a container trick."""

from __future__ import annotations

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import CheckMeta
from stackward.checks.builtin.artifacts.issue_check import ArtifactIssueCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class ArchiveHazardCheck(ArtifactIssueCheck):
    issue_kind = IssueKind.ARCHIVE_HAZARD
    meta = CheckMeta(
        id="SW-MODEL-008",
        title="Model archive uses a container trick",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0010.003"),
            atlas("AML.T0011.000"),
            atlas("AML.M0014"),
            atlas("AML.M0016"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "Path traversal names, decompression bombs, CRC and name mismatches, hidden members and polyglot files are how payloads are smuggled past scanners that use strict archive readers while lenient model loaders still read them."
        ),
        remediation=(
            "Do not extract or load the archive; rebuild it from its members with a standard tool after reviewing them, and find out who produced it."
        ),
        detection=True,
    )
