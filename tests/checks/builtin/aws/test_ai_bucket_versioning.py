from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.ai_bucket_versioning import AiBucketWithoutVersioningCheck
from stackward.model import AssetKind
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("rtype", "sensitive", "status", "expected"),
    [
        ("aws_s3_bucket", True, None, 1),
        ("aws_s3_bucket", True, "Suspended", 1),
        ("aws_s3_bucket", True, "Enabled", 0),
        ("aws_s3_bucket", False, None, 0),
        ("google_storage_bucket", True, None, 0),
    ],
)
def test_versioning(rtype: str, sensitive: bool, status: str | None, expected: int) -> None:
    bucket = tf_asset(rtype, AssetKind.OBJECT_BUCKET, sensitive=sensitive, versioning=status)
    findings = findings_of(AiBucketWithoutVersioningCheck, graph_of([bucket]))
    assert [f.rule_id for f in findings] == ["SW-AWS-010"] * expected
