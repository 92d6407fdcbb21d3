from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.aws.ai_bucket_public_access_block import (
    FLAGS,
    AiBucketPublicAccessBlockCheck,
)
from stackward.model import AssetKind
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of

ALL_ON = dict.fromkeys(FLAGS, True)


@pytest.mark.parametrize(
    ("sensitive", "block", "snippet"),
    [
        (True, None, "no public access block"),
        (True, {**ALL_ON, "block_public_policy": False}, "block_public_policy = false"),
        (
            True,
            {**ALL_ON, "scope": "account", "ignore_public_acls": False},
            "ignore_public_acls = false",
        ),
        (True, ALL_ON, None),
        (True, {**ALL_ON, "scope": "account"}, None),
        (False, None, None),
    ],
)
def test_public_access_block(
    sensitive: bool, block: dict[str, Any] | None, snippet: str | None
) -> None:
    bucket = tf_asset(
        "aws_s3_bucket", AssetKind.OBJECT_BUCKET, sensitive=sensitive, public_access_block=block
    )
    findings = findings_of(AiBucketPublicAccessBlockCheck, graph_of([bucket]))
    assert [f.evidence.snippet for f in findings] == ([snippet] if snippet else [])
    assert all(f.rule_id == "SW-AWS-007" for f in findings)
