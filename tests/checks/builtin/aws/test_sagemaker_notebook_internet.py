from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.sagemaker_notebook_internet import (
    SageMakerNotebookDirectInternetCheck,
)
from stackward.model import AssetKind, Layer
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "value", "expected"),
    [
        ("aws_sagemaker_notebook_instance", "Enabled", 1),
        ("aws_sagemaker_notebook_instance", "Disabled", 0),
        ("aws_sagemaker_notebook_instance", "(known after apply)", 0),
        ("google_notebooks_instance", "Enabled", 0),
    ],
)
def test_direct_internet_access(rtype: str, value: str, expected: int) -> None:
    notebook = tf_asset(
        rtype, AssetKind.NOTEBOOK_INSTANCE, Layer.EXPERIMENTATION, direct_internet_access=value
    )
    findings = findings_of(SageMakerNotebookDirectInternetCheck, graph_of([notebook]))
    assert [(f.rule_id, f.asset_id) for f in findings] == [("SW-AWS-001", notebook.id)] * expected
    if expected:
        assert findings[0].evidence.location == "stack/plan.json#aws_sagemaker_notebook_instance.x"
