from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.sagemaker_endpoint_kms import SageMakerEndpointWithoutKmsCheck
from stackward.model import AssetKind, Layer
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "kms", "expected"),
    [
        ("aws_sagemaker_endpoint_configuration", None, 1),
        ("aws_sagemaker_endpoint_configuration", "", 1),
        ("aws_sagemaker_endpoint_configuration", "arn:aws:kms:us-east-1:1:key/k", 0),
        ("aws_sagemaker_endpoint_configuration", "(known after apply)", 0),
        ("aws_sagemaker_endpoint", None, 0),
    ],
)
def test_endpoint_configuration_kms(rtype: str, kms: str | None, expected: int) -> None:
    config = tf_asset(rtype, AssetKind.MODEL_ENDPOINT, Layer.CORE_AI, kms_key_arn=kms)
    findings = findings_of(SageMakerEndpointWithoutKmsCheck, graph_of([config]))
    assert [f.rule_id for f in findings] == ["SW-AWS-003"] * expected
