"""Azure Machine Learning workspaces and Azure OpenAI / AI services open to all networks."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity

WORKSPACE = "azurerm_machine_learning_workspace"
COGNITIVE = "azurerm_cognitive_account"


class AiPublicNetworkAccessCheck(Check):
    meta = CheckMeta(
        id="SW-AZ-001",
        title="Azure ML workspace or AI service accepts traffic from any network",
        severity=Severity.HIGH,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.AI_SERVICE, AssetKind.LLM_SERVICE}),
        refs=(
            atlas("AML.T0049"),
            atlas("AML.T0040"),
            atlas("AML.M0019"),
            nist("MEASURE 2.7"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM10"),
        ),
        rationale=(
            "With public network access on (the azurerm default) and no network rule"
            " denying by default, the workspace or model API is one leaked key or token away"
            " from use by anyone on the internet."
        ),
        remediation=(
            "Set public_network_access_enabled = false and reach the service through a private"
            ' endpoint; for Cognitive Services at least set network_acls.default_action = "Deny"'
            " with named ranges."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        rtype = asset.prop("resource_type")
        if rtype not in (WORKSPACE, COGNITIVE) or not asset.prop("public_network_access_enabled"):
            return
        if rtype == COGNITIVE and asset.prop("network_default_action") == "Deny":
            return
        yield Violation(
            Evidence(
                f"{asset.source}#{asset.prop('address')}",
                "public_network_access_enabled = true",
                key="public_network_access",
            )
        )
