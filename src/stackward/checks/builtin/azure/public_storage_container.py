"""Azure storage containers readable anonymously."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class PublicStorageContainerCheck(Check):
    meta = CheckMeta(
        id="SW-AZ-003",
        title="Azure storage container allows anonymous read access",
        severity=Severity.HIGH,
        layer=Layer.INFRASTRUCTURE,
        kinds=frozenset({AssetKind.OBJECT_BUCKET}),
        refs=(
            atlas("AML.T0036"),
            atlas("AML.T0035"),
            atlas("AML.M0005"),
            nist("MEASURE 2.7"),
            nist("MEASURE 2.10"),
            owasp_llm("LLM02"),
        ),
        rationale=(
            'A container with access type "blob" or "container" in an account that allows'
            ' public nested items serves its blobs (and with "container" its listing) to'
            " anyone without credentials."
        ),
        remediation=(
            'Set container_access_type = "private" and allow_nested_items_to_be_public = false'
            " on the storage account; share data with SAS tokens or Entra ID roles."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "azurerm_storage_container":
            return
        access = asset.prop("container_access_type")
        if access not in ("blob", "container") or not asset.prop("account_allows_public"):
            return
        yield Violation(
            Evidence(
                f"{asset.source}#{asset.prop('address')}",
                f'container_access_type = "{access}"',
                key="container_access_type",
            ),
            severity=Severity.CRITICAL if asset.sensitive else None,
        )
