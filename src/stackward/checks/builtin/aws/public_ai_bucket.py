"""S3 buckets holding training data or models that anyone can read."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class PublicAiBucketCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-006",
        title="S3 bucket with training data or models is public",
        severity=Severity.CRITICAL,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.OBJECT_BUCKET}),
        refs=(
            atlas("AML.T0035"),
            atlas("AML.T0036"),
            atlas("AML.T0020"),
            atlas("AML.M0005"),
            nist("MEASURE 2.7"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
            owasp_llm("LLM04"),
        ),
        rationale=(
            'A public ACL or a bucket policy allowing Principal "*", not overridden by a'
            " public access block, lets anyone on the internet copy the training data or model"
            " weights (and, with write access, poison them)."
        ),
        remediation=(
            "Remove the public ACL grant or policy statement, set all four flags of an"
            " aws_s3_bucket_public_access_block to true and grant access to named roles only."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_s3_bucket" or not asset.sensitive:
            return
        for reason in asset.prop("public_access") or ():
            yield Violation(
                Evidence(
                    location=f"{asset.source}#{asset.prop('address')}",
                    snippet=str(reason),
                    key=str(reason),
                ),
                detail=str(reason),
            )
