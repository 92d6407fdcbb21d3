"""Classified data is stored in a region its ``data.residency`` policy does not allow."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class DataOutsideAllowedRegionCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-006",
        title="Classified data at rest outside its allowed regions",
        severity=Severity.HIGH,
        layer=Layer.DATA_FOUNDATION,
        kinds=frozenset({AssetKind.DATASET, AssetKind.OBJECT_BUCKET}),
        refs=(nist("GOVERN 1.1"), nist("MAP 4.1"), owasp_llm("LLM02")),
        rationale=(
            "A residency policy says where personal or regulated data may be stored, usually"
            " because a law or a contract does (GDPR transfers, health data rules). A copy in"
            " another region is a transfer the organisation has to justify, and the data falls"
            " under that region's laws and its operators' access."
        ),
        remediation=(
            "Move the data to an allowed region and delete the copy, or pseudonymise it before"
            " it leaves; if the placement is lawful, record why and widen the policy."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        found = asset.prop("residency_violations", ())
        for entry in found if isinstance(found, list | tuple) else ():
            if not isinstance(entry, Mapping):
                continue
            at_rest = [str(c) for c in entry.get("at_rest", ())][:10]
            if not at_rest:
                continue
            region = str(entry.get("region"))
            allowed = ", ".join(str(a) for a in entry.get("allowed", ()))
            policy = str(entry.get("policy"))
            yield Violation(
                Evidence(
                    location=str(asset.prop("path", asset.source)),
                    snippet=f"{', '.join(at_rest)} in {region}; allowed: {allowed}"[:200],
                    key=f"{policy}:{region}",
                ),
                detail=(
                    f"{asset.name} holds {', '.join(at_rest)} in {region}; residency policy"
                    f" {policy!r} allows only {allowed}"
                ),
            )
