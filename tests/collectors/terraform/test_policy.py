"""IAM policy documents in every shape AWS accepts become one statement shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stackward.collectors.terraform.policy import (
    PolicyError,
    grants,
    parse_policy,
    policy_properties,
    public_principal,
)


@pytest.mark.parametrize(
    ("document", "field", "expected"),
    [
        (
            {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}},
            "actions",
            ["s3:*"],
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": ["a:b", "c:d"], "Resource": "*"}]},
            "actions",
            ["a:b", "c:d"],
        ),
        (
            {"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}},
            "not_actions",
            ["iam:*"],
        ),
        (
            {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}},
            "principals",
            ["*"],
        ),
        (
            {"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject"}},
            "principals",
            ["*"],
        ),
        (
            {
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::1:root"], "Service": "s.amazonaws.com"},
                }
            },
            "principals",
            ["arn:aws:iam::1:root", "s.amazonaws.com"],
        ),
        (
            {"Statement": {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::x"}},
            "not_resources",
            ["arn:aws:s3:::x"],
        ),
        (
            {
                "Statement": {
                    "Effect": "Deny",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"Bool": {"a": "b"}},
                }
            },
            "has_condition",
            True,
        ),
    ],
)
def test_statement_shapes(document: dict[str, Any], field: str, expected: object) -> None:
    for given in (document, json.dumps(document)):
        assert parse_policy(given)[0][field] == expected


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a JSON object"),
        ({"Version": "2012-10-17"}, "no Statement"),
        ({"Statement": ["Allow"]}, "statement 0 is not an object"),
    ],
)
def test_unreadable_policies(document: object, error: str) -> None:
    with pytest.raises(PolicyError, match=error):
        parse_policy(document)
    assert error in policy_properties(document)["policy_error"]


@pytest.mark.parametrize(
    ("statement", "service", "expected"),
    [
        ({"Effect": "Allow", "Action": "s3:GetObject"}, "s3", True),
        ({"Effect": "Allow", "Action": "*"}, "kms", True),
        ({"Effect": "Allow", "Action": "S3:*"}, "s3", True),
        ({"Effect": "Allow", "Action": "sagemaker:*"}, "s3", False),
        ({"Effect": "Deny", "Action": "s3:*"}, "s3", False),
        ({"Effect": "Allow", "NotAction": "iam:*"}, "s3", True),
        ({"Effect": "Allow", "NotAction": ["s3:*"]}, "s3", False),
    ],
)
def test_grants(statement: dict[str, Any], service: str, expected: bool) -> None:
    assert grants(parse_policy({"Statement": statement})[0], service) is expected


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"Effect": "Allow", "Principal": "*"}, True),
        ({"Effect": "Allow", "Principal": {"AWS": "*"}}, True),
        (
            {
                "Effect": "Allow",
                "Principal": "*",
                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
            },
            False,
        ),
        ({"Effect": "Deny", "Principal": "*"}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/r"}}, False),
    ],
)
def test_public_principal(statement: dict[str, Any], expected: bool) -> None:
    assert public_principal(parse_policy({"Statement": statement})[0]) is expected


def test_policy_known_only_after_apply() -> None:
    assert policy_properties("(known after apply)") == {"statements": [], "policy_known": False}
    assert policy_properties(None, unknown=True)["policy_known"] is False
    assert policy_properties(None)["policy_known"] is True
