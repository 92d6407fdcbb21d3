from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.sagemaker_model_isolation import (
    SageMakerModelNetworkIsolationCheck,
)
from stackward.model import AssetKind, Layer
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "isolated", "expected"),
    [
        ("aws_sagemaker_model", False, 1),
        ("aws_sagemaker_model", None, 1),
        ("aws_sagemaker_model", True, 0),
        ("aws_bedrock_custom_model", False, 0),
    ],
)
def test_network_isolation(rtype: str, isolated: bool | None, expected: int) -> None:
    model = tf_asset(
        rtype, AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, enable_network_isolation=isolated
    )
    findings = findings_of(SageMakerModelNetworkIsolationCheck, graph_of([model]))
    assert [f.rule_id for f in findings] == ["SW-AWS-004"] * expected
