from __future__ import annotations

import pytest

from stackward.checks.builtin.azure.ai_public_network_access import AiPublicNetworkAccessCheck
from stackward.model import AssetKind, Layer
from tests.checks.builtin.azure.conftest import tf_asset
from tests.conftest import findings_of, graph_of

WS = "azurerm_machine_learning_workspace"
COG = "azurerm_cognitive_account"


@pytest.mark.parametrize(
    ("rtype", "kind", "public", "default_action", "expected"),
    [
        (WS, AssetKind.AI_SERVICE, True, None, 1),
        (WS, AssetKind.AI_SERVICE, False, None, 0),
        (COG, AssetKind.LLM_SERVICE, True, "Allow", 1),
        (COG, AssetKind.LLM_SERVICE, True, "Deny", 0),
        (COG, AssetKind.AI_SERVICE, False, "Allow", 0),
        ("aws_sagemaker_domain", AssetKind.AI_SERVICE, True, None, 0),
    ],
)
def test_public_network_access(
    rtype: str, kind: AssetKind, public: bool, default_action: str | None, expected: int
) -> None:
    service = tf_asset(
        rtype,
        kind,
        Layer.CORE_AI,
        public_network_access_enabled=public,
        network_default_action=default_action,
    )
    findings = findings_of(AiPublicNetworkAccessCheck, graph_of([service]))
    assert [f.rule_id for f in findings] == ["SW-AZ-001"] * expected
