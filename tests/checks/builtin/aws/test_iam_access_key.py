from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.iam_access_key import IamAccessKeyCheck
from stackward.model import AssetKind, Layer
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("credential_type", "status", "pgp", "snippet"),
    [
        (
            "aws_access_key",
            "Active",
            False,
            "access key for user ci; secret stored in state unencrypted",
        ),
        ("aws_access_key", "Active", True, "access key for user ci"),
        ("aws_access_key", "Inactive", False, None),
        ("gcp_service_account_key", "Active", False, None),
    ],
)
def test_access_key(credential_type: str, status: str, pgp: bool, snippet: str | None) -> None:
    key = tf_asset(
        "aws_iam_access_key",
        AssetKind.IAM_CREDENTIAL,
        Layer.IDENTITY,
        sensitive=True,
        credential_type=credential_type,
        status=status,
        user="ci",
        secret_encrypted_with_pgp=pgp,
    )
    findings = findings_of(IamAccessKeyCheck, graph_of([key]))
    assert [f.evidence.snippet for f in findings] == ([snippet] if snippet else [])
    assert all(f.rule_id == "SW-AWS-011" for f in findings)
