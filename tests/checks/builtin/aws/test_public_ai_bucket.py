from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.public_ai_bucket import PublicAiBucketCheck
from stackward.model import AssetKind
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of

POLICY = 'bucket policy statement Public allows Principal "*"'


@pytest.mark.parametrize(
    ("rtype", "sensitive", "public_access", "expected"),
    [
        ("aws_s3_bucket", True, ["ACL public-read"], 1),
        ("aws_s3_bucket", True, ["ACL public-read", POLICY], 2),
        ("aws_s3_bucket", True, [], 0),
        ("aws_s3_bucket", False, ["ACL public-read"], 0),
        ("google_storage_bucket", True, ["ACL public-read"], 0),
    ],
)
def test_public_ai_bucket(
    rtype: str, sensitive: bool, public_access: list[str], expected: int
) -> None:
    bucket = tf_asset(
        rtype, AssetKind.OBJECT_BUCKET, sensitive=sensitive, public_access=public_access
    )
    findings = findings_of(PublicAiBucketCheck, graph_of([bucket]))
    assert [f.rule_id for f in findings] == ["SW-AWS-006"] * expected
    assert len({f.fingerprint for f in findings}) == expected
