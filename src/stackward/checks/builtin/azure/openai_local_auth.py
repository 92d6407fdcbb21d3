"""Azure OpenAI / AI services that accept API keys."""

from __future__ import annotations

from collections.abc import Iterator

from stackward.checks.base import Check, CheckMeta, Violation
from stackward.frameworks import atlas, nist, owasp_llm
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Evidence, Layer, Severity


class OpenAiLocalAuthCheck(Check):
    meta = CheckMeta(
        id="SW-AZ-002",
        title="Azure OpenAI or AI service accepts API keys (local authentication)",
        severity=Severity.MEDIUM,
        layer=Layer.CORE_AI,
        kinds=frozenset({AssetKind.AI_SERVICE, AssetKind.LLM_SERVICE}),
        refs=(
            atlas("AML.T0055"),
            atlas("AML.T0012"),
            atlas("AML.M0019"),
            nist("GOVERN 1.4"),
            nist("MANAGE 2.4"),
            owasp_llm("LLM10"),
        ),
        rationale=(
            "Account keys are shared, never expire and bypass Entra ID conditional access and"
            " per-identity audit; a key leaked from code or a notebook gives anyone full model"
            " access billed to the account (LLMjacking)."
        ),
        remediation=(
            "Set local_auth_enabled = false and grant callers the Cognitive Services OpenAI"
            " User role through managed identities."
        ),
    )

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterator[Violation]:
        if asset.prop("resource_type") != "azurerm_cognitive_account":
            return
        if asset.prop("local_auth_enabled"):
            yield Violation(
                Evidence(
                    f"{asset.source}#{asset.prop('address')}",
                    "local_auth_enabled = true",
                    key="local_auth",
                )
            )
