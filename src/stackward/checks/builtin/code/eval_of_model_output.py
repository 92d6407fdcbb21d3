"""Model output run as Python code with ``eval``/``exec``."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.code.risk_facts import CODE_KINDS, code_risks, place, risk_evidence
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Layer, Severity


class EvalOfModelOutputCheck(Check):
    meta = CheckMeta(
        id="SW-CODE-001",
        title="Model output executed with eval/exec",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=CODE_KINDS,
        refs=(
            atlas("AML.T0051"),
            atlas("AML.T0050"),
            atlas("AML.T0053"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM05"),
            owasp_llm("LLM01"),
        ),
        rationale=(
            "Text a model returns is steered by whatever reached its context: a prompt"
            " injection in a document, a web page or a user message becomes Python code run"
            " with the privileges of this process when the reply is passed to eval or exec."
        ),
        remediation=(
            "Never execute model output. Parse structured output (JSON with a schema,"
            " ast.literal_eval for literals), map it to an allow-list of functions, or run"
            " generated code only in an isolated sandbox without credentials or network."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for risk in code_risks(asset, "eval_of_model_output"):
            yield Violation(
                risk_evidence(asset, risk), detail=f"{risk.get('detail')} at {place(risk)}"
            )
