"""Vertex AI Workbench / user-managed notebooks with a public IP address."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

NOTEBOOK_TYPES = ("google_notebooks_instance", "google_workbench_instance")


class NotebookPublicIpCheck(Check):
    meta = CheckMeta(
        id="SW-GCP-001",
        title="Vertex AI notebook instance has a public IP address",
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
            "A notebook VM with an external IP is reachable from and can send to the"
            " internet directly, bypassing VPC Service Controls and egress controls around"
            " the data and the service account it runs as."
        ),
        remediation=(
            "Set no_public_ip = true (google_notebooks_instance) or gce_setup.disable_public_ip"
            " = true (google_workbench_instance) and reach Google APIs through Private Google"
            " Access."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") not in NOTEBOOK_TYPES:
            return
        if asset.prop("public_ip"):
            yield Violation(
                Evidence(
                    f"{asset.source}#{asset.prop('address')}",
                    "public IP enabled (no_public_ip / disable_public_ip not set)",
                    key="public_ip",
                )
            )
