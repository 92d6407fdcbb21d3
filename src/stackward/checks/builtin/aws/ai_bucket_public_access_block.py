"""S3 buckets holding AI data without a complete public access block."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


class AiBucketPublicAccessBlockCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-007",
        title="S3 bucket with training data or models lacks a full public access block",
        severity=Severity.MEDIUM,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.OBJECT_BUCKET}),
        refs=(
            atlas("AML.T0036"),
            atlas("AML.M0005"),
            nist("MEASURE 2.7"),
            nist("MANAGE 2.4"),
        ),
        rationale=(
            "The public access block is the guard rail that keeps one mistaken ACL or policy"
            " statement from publishing the bucket; without all four flags a single change"
            " exposes the training data or models."
        ),
        remediation=(
            "Add an aws_s3_bucket_public_access_block for the bucket (or an account-level"
            " aws_s3_account_public_access_block) with all four flags set to true."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_s3_bucket" or not asset.sensitive:
            return
        block = asset.prop("public_access_block")
        location = f"{asset.source}#{asset.prop('address')}"
        if not block:
            yield Violation(Evidence(location, "no public access block", key="missing"), "none")
            return
        off = [flag for flag in FLAGS if not block.get(flag)]
        if off:
            snippet = ", ".join(f"{flag} = false" for flag in off)
            yield Violation(Evidence(location, snippet, key="disabled"), snippet)
