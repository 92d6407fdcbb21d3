"""Model chat template can reach Python objects."""

from __future__ import annotations

from stackward.artifacts.issues import IssueKind
from stackward.checks.base import CheckMeta
from stackward.checks.builtin.artifacts.issue_check import ArtifactIssueCheck
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.model import AssetKind, Layer, Severity


class TemplateInjectionCheck(ArtifactIssueCheck):
    issue_kind = IssueKind.TEMPLATE_INJECTION
    meta = CheckMeta(
        id="SW-MODEL-006",
        title="Model chat template can reach Python objects",
        severity=Severity.CRITICAL,
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
            "GGUF and tokenizer chat templates are Jinja programs rendered by the serving stack; a template that walks to __globals__ or __subclasses__ escapes the template and runs code in the inference server when a prompt is formatted."
        ),
        remediation=(
            "Replace the chat template with the model family's published template, render templates only in a sandboxed Jinja environment, and do not serve the file until it is re-verified."
        ),
        detection=True,
    )
