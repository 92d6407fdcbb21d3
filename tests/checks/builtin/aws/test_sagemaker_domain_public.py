from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.sagemaker_domain_public import (
    SageMakerDomainPublicInternetCheck,
)
from stackward.model import AssetKind, Layer
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "access", "expected"),
    [
        ("aws_sagemaker_domain", "PublicInternetOnly", 1),
        ("aws_sagemaker_domain", "VpcOnly", 0),
        ("aws_sagemaker_domain", "(known after apply)", 0),
        ("azurerm_machine_learning_workspace", "PublicInternetOnly", 0),
    ],
)
def test_domain_network_access(rtype: str, access: str, expected: int) -> None:
    domain = tf_asset(
        rtype, AssetKind.AI_SERVICE, Layer.EXPERIMENTATION, app_network_access_type=access
    )
    findings = findings_of(SageMakerDomainPublicInternetCheck, graph_of([domain]))
    assert [f.rule_id for f in findings] == ["SW-AWS-012"] * expected
