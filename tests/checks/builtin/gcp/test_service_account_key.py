from __future__ import annotations

import pytest

from stackward.checks.builtin.gcp.service_account_key import ServiceAccountKeyCheck
from stackward.model import AssetKind, Layer, Severity
from tests.checks.builtin.gcp.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("credential_type", "uploaded", "severities"),
    [
        ("gcp_service_account_key", False, [Severity.HIGH]),
        ("gcp_service_account_key", True, [Severity.MEDIUM]),
        ("aws_access_key", False, []),
    ],
)
def test_service_account_key(
    credential_type: str, uploaded: bool, severities: list[Severity]
) -> None:
    key = tf_asset(
        "google_service_account_key",
        AssetKind.IAM_CREDENTIAL,
        Layer.IDENTITY,
        credential_type=credential_type,
        public_key_upload=uploaded,
    )
    findings = findings_of(ServiceAccountKeyCheck, graph_of([key]))
    assert [f.severity for f in findings] == severities
    assert all(f.rule_id == "SW-GCP-003" for f in findings)
