"""Personal data typed or pasted into notebook code cells."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.notebooks.pii_evidence import (
    is_high_impact,
    pii_records,
    pii_violation,
)
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


class PiiInNotebookSourceCheck(Check):
    meta = CheckMeta(
        id="SW-NB-004",
        title="Personal data in notebook source",
        severity=Severity.LOW,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.NOTEBOOK}),
        refs=(
            atlas("AML.T0036"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "A record pasted into a cell to try a transformation stays in the notebook and"
            " its history; unlike an output, clearing the outputs does not remove it."
        ),
        remediation=(
            "Replace the literal with synthetic test data or read it from the governed store"
            " at run time, and remove it from the repository history where it was committed."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for record in pii_records(asset, "pii_in_sources"):
            high = is_high_impact(str(record["class"]))
            severity = Severity.MEDIUM if high else Severity.LOW
            yield pii_violation(asset, record, "source", severity)
