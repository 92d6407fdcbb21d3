"""Personal data saved in notebook outputs (a printed DataFrame of customers)."""

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


class PiiInNotebookOutputCheck(Check):
    meta = CheckMeta(
        id="SW-NB-003",
        title="Personal data saved in notebook outputs",
        severity=Severity.MEDIUM,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.NOTEBOOK}),
        refs=(
            atlas("AML.T0036"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "Outputs are saved inside the .ipynb: rows printed from a customer table travel"
            " with the notebook into repositories, shares and exports, outside the access"
            " controls and retention of the system the data came from."
        ),
        remediation=(
            "Clear the outputs (jupyter nbconvert --clear-output), strip outputs before commit"
            " (nbstripout), remove the file from history where it was committed, and look at"
            " samples through masked or synthetic data."
        ),
        detection=True,
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        for record in pii_records(asset, "pii_in_outputs"):
            high = is_high_impact(str(record["class"]))
            severity = Severity.HIGH if high else Severity.MEDIUM
            yield pii_violation(asset, record, "output", severity)
