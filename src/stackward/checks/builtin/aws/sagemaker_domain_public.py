"""SageMaker Studio domains whose apps reach the internet directly."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class SageMakerDomainPublicInternetCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-012",
        title="SageMaker Studio domain uses public internet access",
        severity=Severity.MEDIUM,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.AI_SERVICE}),
        refs=(
            atlas("AML.T0025"),
            atlas("AML.T0049"),
            atlas("AML.M0019"),
            nist("MEASURE 2.7"),
            nist("MANAGE 2.4"),
        ),
        rationale=(
            'With app_network_access_type = "PublicInternetOnly" (the provider default)'
            " Studio apps, notebooks and training containers started from them reach the"
            " internet through a SageMaker-managed network that no VPC control, flow log or"
            " endpoint policy of the account sees."
        ),
        remediation=(
            'Set app_network_access_type = "VpcOnly" with private subnet_ids and VPC endpoints'
            " for the AWS services Studio needs."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_sagemaker_domain":
            return
        if asset.prop("app_network_access_type") == "PublicInternetOnly":
            yield Violation(
                Evidence(
                    f"{asset.source}#{asset.prop('address')}",
                    'app_network_access_type = "PublicInternetOnly"',
                    key="app_network_access_type",
                )
            )
