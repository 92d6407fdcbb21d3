"""SageMaker endpoint configurations without a customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class SageMakerEndpointWithoutKmsCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-003",
        title="SageMaker endpoint configuration does not encrypt with a KMS key",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.MODEL_ENDPOINT}),
        refs=(
            atlas("AML.T0035"),
            atlas("AML.M0012"),
            nist("MEASURE 2.7"),
            nist("MEASURE 2.10"),
        ),
        rationale=(
            "Without kms_key_arn the ML storage volumes that hold the model and the"
            " inference data of every instance behind the endpoint are encrypted with an"
            " AWS-owned key, so key policy, rotation and CloudTrail records of key use cannot"
            " restrict or reveal who reads them."
        ),
        remediation=(
            "Set kms_key_arn on the aws_sagemaker_endpoint_configuration to a customer-managed"
            " key whose policy allows only the SageMaker execution role."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_sagemaker_endpoint_configuration":
            return
        if not asset.prop("kms_key_arn"):
            yield Violation(
                Evidence(
                    location=f"{asset.source}#{asset.prop('address')}",
                    snippet="kms_key_arn not set",
                    key="kms_key_arn",
                )
            )
