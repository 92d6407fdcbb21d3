from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.sagemaker_notebook_root import SageMakerNotebookRootAccessCheck
from stackward.model import AssetKind, Layer
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "value", "expected"),
    [
        ("aws_sagemaker_notebook_instance", "Enabled", 1),
        ("aws_sagemaker_notebook_instance", "Disabled", 0),
        ("aws_sagemaker_notebook_instance", None, 0),
        ("azurerm_machine_learning_compute_instance", "Enabled", 0),
    ],
)
def test_root_access(rtype: str, value: str | None, expected: int) -> None:
    notebook = tf_asset(
        rtype, AssetKind.NOTEBOOK_INSTANCE, Layer.EXPERIMENTATION, root_access=value
    )
    findings = findings_of(SageMakerNotebookRootAccessCheck, graph_of([notebook]))
    assert [f.rule_id for f in findings] == ["SW-AWS-002"] * expected
