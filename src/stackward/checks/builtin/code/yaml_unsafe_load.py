"""YAML parsed with a loader that builds arbitrary Python objects."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.code.risk_facts import CODE_KINDS, code_risks, place, risk_evidence
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Layer, Severity


class YamlUnsafeLoadCheck(Check):
    meta = CheckMeta(
        id="SW-CODE-003",
        title="YAML loaded without a safe loader",
        severity=Severity.MEDIUM,
        layer=Layer.SUPPORTIVE,
        kinds=CODE_KINDS,
        refs=(
            atlas("AML.T0011"),
            atlas("AML.M0014"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM03"),
        ),
        rationale=(
            "yaml.load with the default, full or unsafe loader turns tags such as"
            " !!python/object/apply into calls: a model card, pipeline config or experiment"
            " file that someone else can write runs code in the process that reads it."
        ),
        remediation=(
            "Use yaml.safe_load (or yaml.load(..., Loader=yaml.SafeLoader)); load Python"
            " objects only from files the process itself wrote."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for risk in code_risks(asset, "yaml_unsafe_load"):
            yield Violation(
                risk_evidence(asset, risk), detail=f"{risk.get('detail')} at {place(risk)}"
            )
