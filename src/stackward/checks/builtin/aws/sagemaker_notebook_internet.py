"""SageMaker notebook instances with direct internet access."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class SageMakerNotebookDirectInternetCheck(Check):
    meta = CheckMeta(
        id="SW-AWS-001",
        title="SageMaker notebook instance has direct internet access",
        severity=Severity.HIGH,
        layer=Layer.EXPERIMENTATION,
        kinds=frozenset({AssetKind.NOTEBOOK_INSTANCE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0025"),
            atlas("AML.M0019"),
            nist("MEASURE 2.7"),
            nist("MANAGE 2.4"),
        ),
        rationale=(
            "With direct internet access (the provider default) the notebook gets a public"
            " network path outside the VPC, so code or packages run in it can exfiltrate the"
            " training data and credentials of its execution role without passing any VPC"
            " control, flow log or endpoint policy."
        ),
        remediation=(
            'Set direct_internet_access = "Disabled" and give the notebook a subnet_id and'
            " security_groups in a VPC that reaches AWS services through VPC endpoints."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "aws_sagemaker_notebook_instance":
            return
        if asset.prop("direct_internet_access") == "Enabled":
            yield Violation(
                Evidence(
                    location=f"{asset.source}#{asset.prop('address')}",
                    snippet='direct_internet_access = "Enabled"',
                    key="direct_internet_access",
                )
            )
