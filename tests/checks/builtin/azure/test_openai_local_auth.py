from __future__ import annotations

import pytest

from stackward.checks.builtin.azure.openai_local_auth import OpenAiLocalAuthCheck
from stackward.model import AssetKind, Layer
from tests.checks.builtin.azure.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "local_auth", "expected"),
    [
        ("azurerm_cognitive_account", True, 1),
        ("azurerm_cognitive_account", False, 0),
        ("azurerm_machine_learning_workspace", True, 0),
    ],
)
def test_local_auth(rtype: str, local_auth: bool, expected: int) -> None:
    account = tf_asset(rtype, AssetKind.LLM_SERVICE, Layer.CORE_AI, local_auth_enabled=local_auth)
    findings = findings_of(OpenAiLocalAuthCheck, graph_of([account]))
    assert [f.rule_id for f in findings] == ["SW-AZ-002"] * expected
