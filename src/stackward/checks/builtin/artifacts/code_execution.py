"""Model artifact runs code when it is loaded."""

from __future__ import annotations

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import CheckMeta
from stackward.checks.builtin.artifacts.issue_check import ArtifactIssueCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class CodeExecutionCheck(ArtifactIssueCheck):
    issue_kind = IssueKind.CODE_EXECUTION
    meta = CheckMeta(
        id="SW-MODEL-002",
        title="Model artifact runs code when it is loaded",
        severity=Severity.CRITICAL,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ARTIFACT}),
        refs=(
            atlas("AML.T0011.000"),
            atlas("AML.T0010.003"),
            atlas("AML.M0014"),
            atlas("AML.M0016"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM03"),
            owasp_llm("LLM04"),
        ),
        rationale=(
            "Loading the file executes what an attacker put in it: a pickle global that reaches exec or the operating system, a Keras Lambda layer, a nested deserializer. Whoever loads the model (a notebook, a training job, a serving pod) runs that code with its own credentials."
        ),
        remediation=(
            "Quarantine the file and do not load it. Find where it came from (registry, bucket, hub) and who could write there; rotate credentials of any process that loaded it. Replace it with a safetensors or ONNX export from a trusted source and verify its signature before use."
        ),
        detection=True,
    )
