"""Model pickle imports a global that is not on the allow-list."""

from __future__ import annotations

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import CheckMeta
from stackward.checks.builtin.artifacts.issue_check import ArtifactIssueCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class UnapprovedImportCheck(ArtifactIssueCheck):
    issue_kind = IssueKind.UNAPPROVED_IMPORT
    meta = CheckMeta(
        id="SW-MODEL-003",
        title="Model pickle imports a global that is not on the allow-list",
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
            "Unpickling imports and calls whatever globals the file names. Only the reconstructors that weights-only loaders need are known to be safe; any other import is code the file chooses to run or instantiate."
        ),
        remediation=(
            "If the global is your own class, add it to artifacts.allow_globals in stackward.yaml after reviewing it; otherwise treat the file as untrusted. Prefer safetensors and torch.load(weights_only=True)."
        ),
        detection=True,
    )
