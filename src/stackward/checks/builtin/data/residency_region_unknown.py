"""Data a residency policy covers has no known region, so the policy cannot be checked."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.checks.builtin.data.residency_flow import DOWNSTREAM_KINDS
from stackward.frameworks import nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, Evidence, Layer, Severity


class ResidencyRegionUnknownCheck(Check):
    meta = CheckMeta(
        id="SW-DATA-008",
        title="Region unknown for data under a residency policy",
        severity=Severity.LOW,
        layer=Layer.DATA_FOUNDATION,
        kinds=DOWNSTREAM_KINDS,
        refs=(nist("GOVERN 1.1"), nist("MAP 4.1")),
        rationale=(
            "A residency policy covers this asset but no collector could tell where it lives,"
            " so whether it meets the policy is unchecked. Regions are never guessed."
        ),
        remediation=(
            "Set region on the data source in stackward.yaml, grant s3:GetBucketLocation to"
            " the scanning identity, or scan the infrastructure code that creates the store."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        policies = asset.prop("residency_policies", ())
        if not isinstance(policies, list | tuple) or not policies:
            return
        if "residency_region" not in asset.properties or asset.prop("residency_region"):
            return
        names = ", ".join(str(p) for p in policies[:10])
        yield Violation(
            Evidence(
                location=str(asset.prop("path", asset.source)),
                snippet=f"{asset.name}: region unknown; policies: {names}"[:200],
                key="region-unknown",
            ),
            detail=f"{asset.name} is covered by residency policy {names} but its region is unknown",
        )
