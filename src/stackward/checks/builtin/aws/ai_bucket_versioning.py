"""S3 buckets holding AI data without versioning."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class AiBucketWithoutVersioningCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-010",
        title="S3 bucket with training data or models has no versioning",
        severity=Severity.MEDIUM,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.OBJECT_BUCKET}),
        refs=(
            atlas("AML.T0020"),
            atlas("AML.T0018"),
            atlas("AML.M0014"),
            nist("MANAGE 2.4"),
            nist("MEASURE 2.7"),
            owasp_llm("LLM04"),
        ),
        rationale=(
            "Without versioning an overwritten model artifact or poisoned training file"
            " leaves no earlier version to compare against or roll back to, so tampering is"
            " both harder to see and harder to undo."
        ),
        remediation=(
            'Add an aws_s3_bucket_versioning with status = "Enabled" (and object lock for'
            " released model artifacts)."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_s3_bucket" or not asset.sensitive:
            return
        status = asset.prop("versioning")
        if status != "Enabled":
            yield Violation(
                Evidence(
                    f"{asset.source}#{asset.prop('address')}",
                    f"versioning status = {status}" if status else "versioning not configured",
                    key="versioning",
                )
            )
