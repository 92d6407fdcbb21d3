from __future__ import annotations

import pytest

from stackward.checks.builtin.gcp.notebook_public_ip import NotebookPublicIpCheck
from stackward.model import AssetKind, Layer
from tests.checks.builtin.gcp.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "public_ip", "expected"),
    [
        ("google_notebooks_instance", True, 1),
        ("google_workbench_instance", True, 1),
        ("google_notebooks_instance", False, 0),
        ("google_workbench_instance", False, 0),
        ("azurerm_machine_learning_compute_instance", True, 0),
    ],
)
def test_public_ip(rtype: str, public_ip: bool, expected: int) -> None:
    notebook = tf_asset(
        rtype, AssetKind.NOTEBOOK_INSTANCE, Layer.EXPERIMENTATION, public_ip=public_ip
    )
    findings = findings_of(NotebookPublicIpCheck, graph_of([notebook]))
    assert [f.rule_id for f in findings] == ["SW-GCP-001"] * expected
