"""Azure Machine Learning compute instances with a public IP address."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class ComputeInstancePublicIpCheck(Check):
    meta = CheckMeta(
        id="SW-AZ-004",
        title="Azure ML compute instance has a public IP address",
        severity=Severity.MEDIUM,
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
            "A compute instance with node_public_ip_enabled (the default) has an internet-"
            "facing address and outbound path outside the workspace's virtual network, next to"
            " the workspace data and the identity it runs with."
        ),
        remediation=(
            "Set node_public_ip_enabled = false, place the instance in a subnet"
            " (subnet_resource_id) and use the workspace's private endpoint or managed network."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "azurerm_machine_learning_compute_instance":
            return
        if asset.prop("public_ip"):
            yield Violation(
                Evidence(
                    f"{asset.source}#{asset.prop('address')}",
                    "node_public_ip_enabled = true",
                    key="public_ip",
                )
            )
