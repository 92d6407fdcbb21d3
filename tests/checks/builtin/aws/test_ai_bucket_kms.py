from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.aws.ai_bucket_kms import AiBucketWithoutKmsCheck
from stackward.model import AssetKind
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("sensitive", "encryption", "expected"),
    [
        (True, None, 1),
        (True, {"algorithm": "AES256", "kms_key": None}, 1),
        (True, {"algorithm": "aws:kms", "kms_key": "arn:aws:kms:eu-west-1:1:key/k"}, 0),
        (True, {"algorithm": "aws:kms:dsse", "kms_key": None}, 0),
        (False, None, 0),
    ],
)
def test_kms_encryption(sensitive: bool, encryption: dict[str, Any] | None, expected: int) -> None:
    bucket = tf_asset(
        "aws_s3_bucket", AssetKind.OBJECT_BUCKET, sensitive=sensitive, encryption=encryption
    )
    findings = findings_of(AiBucketWithoutKmsCheck, graph_of([bucket]))
    assert [f.rule_id for f in findings] == ["SW-AWS-009"] * expected
