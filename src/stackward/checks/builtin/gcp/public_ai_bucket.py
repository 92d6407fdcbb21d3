"""Cloud Storage buckets with training data or models granted to allUsers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})


class PublicAiBucketCheck(Check):
    meta = CheckMeta(
        id="SW-GCP-002",
        title="Cloud Storage bucket with training data or models is public",
        severity=Severity.CRITICAL,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.OBJECT_BUCKET}),
        refs=(
            atlas("AML.T0035"),
            atlas("AML.T0036"),
            atlas("AML.M0005"),
            nist("MEASURE 2.7"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            "An IAM grant to allUsers or allAuthenticatedUsers (any Google account) makes the"
            " training data or model weights readable by anyone, unless public access"
            " prevention is enforced."
        ),
        remediation=(
            "Remove the allUsers/allAuthenticatedUsers members, set public_access_prevention ="
            ' "enforced" and uniform_bucket_level_access = true.'
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "google_storage_bucket" or not asset.sensitive:
            return
        if asset.prop("public_access_prevention") == "enforced":
            return
        for grant in asset.prop("iam_members") or ():
            if isinstance(grant, Mapping) and grant.get("member") in PUBLIC_MEMBERS:
                snippet = f"{grant.get('role')} granted to {grant.get('member')}"
                yield Violation(
                    Evidence(f"{asset.source}#{asset.prop('address')}", snippet, key=snippet),
                    detail=str(grant.get("member")),
                )
