"""File datasets whose columns look like personal data, kept as plain files."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class PiiColumnsInDatasetCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-001",
        title="Dataset file with personal-data columns stored in plain form",
        severity=Severity.LOW,
        layer=Layer.DATA_FOUNDATION,
        kinds=frozenset({AssetKind.DATASET}),
        refs=(
            atlas("AML.T0037"),
            atlas("AML.M0012"),
            atlas("AML.M0005"),
            nist("MEASURE 2.10"),
            nist("MAP 4.1"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "Column names such as email, ssn or date_of_birth suggest personal data in a file"
            " anyone with the repository or the share can copy; models trained on it can also"
            " memorise and repeat it. This is a name-based hint, not a content classification."
        ),
        remediation=(
            "Keep personal data in a governed store with access control and encryption, and"
            " give the repository a pseudonymised or synthetic extract without those columns."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        found = asset.prop("pii_columns", ())
        columns = [
            c for c in (found if isinstance(found, list | tuple) else ()) if isinstance(c, Mapping)
        ]
        if not columns:
            return
        names = ", ".join(f"{c.get('column')} ({c.get('category')})" for c in columns[:10])
        yield Violation(
            Evidence(
                location=str(asset.prop("path", asset.source)),
                snippet=f"columns: {names}"[:200],
                key="pii_columns",
            ),
            detail=f"{len(columns)} column(s) suggesting personal data",
        )
