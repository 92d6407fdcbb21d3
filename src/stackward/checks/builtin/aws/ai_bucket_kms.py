"""S3 buckets holding AI data encrypted only with S3-managed keys."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


class AiBucketWithoutKmsCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-009",
        title="S3 bucket with training data or models is not encrypted with a KMS key",
        severity=Severity.LOW,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.OBJECT_BUCKET}),
        refs=(
            atlas("AML.T0035"),
            atlas("AML.M0012"),
            nist("MEASURE 2.10"),
            nist("MEASURE 2.7"),
        ),
        rationale=(
            "With SSE-S3 (AES256) anyone granted s3:GetObject reads the data; a KMS key adds"
            " a second, separately audited permission (kms:Decrypt) that a leaked or"
            " over-broad S3 grant alone does not give."
        ),
        remediation=(
            "Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm ="
            ' "aws:kms", a customer-managed kms_master_key_id and bucket_key_enabled = true.'
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_s3_bucket" or not asset.sensitive:
            return
        encryption = asset.prop("encryption") or {}
        algorithm = encryption.get("algorithm")
        if algorithm not in KMS_ALGORITHMS:
            snippet = f"sse_algorithm = {algorithm}" if algorithm else "no default encryption"
            yield Violation(Evidence(f"{asset.source}#{asset.prop('address')}", snippet, key="sse"))
