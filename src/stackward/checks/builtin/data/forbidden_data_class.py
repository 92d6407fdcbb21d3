"""A store holds a class of sensitive data that a ``data.policies`` rule forbids there."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.dspm.taxonomy import DATA_CLASSES
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class ForbiddenDataClassCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-002",
        title="Sensitive data of a forbidden class in a data store",
        severity=Severity.HIGH,
        layer=Layer.DATA_FOUNDATION,
        kinds=frozenset({AssetKind.DATASET}),
        refs=(
            atlas("AML.T0057"),
            atlas("AML.T0055"),
            atlas("AML.T0036"),
            nist("MEASURE 2.10"),
            nist("MAP 4.1"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "A data policy says this store must not hold this class of data (for example no"
            " credentials or national ids in training buckets). Data here is copied into"
            " training sets, feature stores and prompts; a model trained on it can memorise"
            " and repeat it, and anyone who can read the store can take it."
        ),
        remediation=(
            "Remove or pseudonymise the values at the listed fields and lines, rotate any"
            " credential found, and fix the pipeline that wrote them so the next load is clean."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        found = asset.prop("policy_violations", ())
        for entry in found if isinstance(found, list | tuple) else ():
            if not isinstance(entry, Mapping):
                continue
            cls = str(entry.get("data_class", ""))
            known = DATA_CLASSES.get(cls)
            fields = [str(f) for f in entry.get("fields", ())][:10]
            lines = [int(n) for n in entry.get("lines", ()) if isinstance(n, int)][:10]
            where = ", ".join(fields) if fields else "lines " + ", ".join(map(str, lines))
            yield Violation(
                Evidence(
                    location=str(asset.prop("path", asset.source)),
                    snippet=f"{cls} x{entry.get('count')} at {where}"[:200],
                    line=lines[0] if lines else None,
                    key=f"{entry.get('policy')}:{cls}",
                ),
                detail=(
                    f"{known.title if known else cls} found (confidence"
                    f" {float(entry.get('confidence', 0)):.2f}); policy {entry.get('policy')!r}"
                    " forbids it here"
                ),
                severity=known.severity if known else None,
            )
