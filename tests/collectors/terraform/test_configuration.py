"""Configuration references resolve to resource addresses."""

from __future__ import annotations

import pytest

from stackward.collectors.terraform.configuration import normalise_reference, strip_indexes


@pytest.mark.parametrize(
    ("ref", "prefix", "expected"),
    [
        ("aws_s3_bucket.training.id", "", "aws_s3_bucket.training"),
        ("aws_s3_bucket.training", "", "aws_s3_bucket.training"),
        ("aws_s3_bucket.store[0].id", "", "aws_s3_bucket.store[0]"),
        ('aws_s3_bucket.store["eu"]', "", 'aws_s3_bucket.store["eu"]'),
        ("aws_s3_bucket.store[count.index].id", "", "aws_s3_bucket.store"),
        ("aws_s3_bucket.store[each.key]", "", "aws_s3_bucket.store"),
        (
            "data.aws_iam_policy_document.read.json",
            "module.a.",
            "module.a.data.aws_iam_policy_document.read",
        ),
        ("aws_iam_role.x.arn", "module.a.module.b.", "module.a.module.b.aws_iam_role.x"),
        ("var.bucket_name", "", None),
        ("local.tags", "", None),
        ("each.value", "", None),
        ("module.network.vpc_id", "", None),
        ("data.aws_caller_identity", "", None),
        ("aws_s3_bucket", "", None),
    ],
)
def test_normalise_reference(ref: str, prefix: str, expected: str | None) -> None:
    assert normalise_reference(ref, prefix) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ('module.a["x.y"].aws_s3_bucket.b[0]', "module.a.aws_s3_bucket.b"),
        ("aws_s3_bucket.b", "aws_s3_bucket.b"),
    ],
)
def test_strip_indexes(address: str, expected: str) -> None:
    assert strip_indexes(address) == expected
