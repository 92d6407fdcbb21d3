from __future__ import annotations

import pytest

from stackward.checks.builtin.azure.compute_instance_public_ip import ComputeInstancePublicIpCheck
from stackward.model import AssetKind, Layer
from tests.checks.builtin.azure.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "public_ip", "expected"),
    [
        ("azurerm_machine_learning_compute_instance", True, 1),
        ("azurerm_machine_learning_compute_instance", False, 0),
        ("google_notebooks_instance", True, 0),
    ],
)
def test_public_ip(rtype: str, public_ip: bool, expected: int) -> None:
    instance = tf_asset(
        rtype, AssetKind.NOTEBOOK_INSTANCE, Layer.EXPERIMENTATION, public_ip=public_ip
    )
    findings = findings_of(ComputeInstancePublicIpCheck, graph_of([instance]))
    assert [f.rule_id for f in findings] == ["SW-AZ-004"] * expected
