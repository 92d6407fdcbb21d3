"""Bucket policy evaluation: who may do what to one object, table-driven."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stackward.dspm.access.s3 import ANONYMOUS, parse_policy, policy_grants

BUCKET, KEY = "data", "exports/customers.csv"
ROLE = "arn:aws:iam::111122223333:role/analyst"
OTHER = "arn:aws:iam::111122223333:role/other"


def _policy(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(principal: Any, action: Any, resource: Any, **more: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **more,
    }


def _deny(principal: Any, action: Any, resource: Any, **more: Any) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **more,
    }


OBJECTS = f"arn:aws:s3:::{BUCKET}/*"


def _by_principal(document: Any, key: str = KEY) -> dict[str, Any]:
    policy = parse_policy(document)
    assert not policy.problems, policy.problems
    return {g.principal.name: g for g in policy_grants(policy, BUCKET, key)}


@pytest.mark.parametrize(
    ("document", "principal", "allowed", "refused"),
    [
        pytest.param(
            _policy(_allow("*", "s3:GetObject", OBJECTS)),
            ANONYMOUS,
            {"s3:GetObject"},
            {"s3:PutObject", "s3:ListBucket"},
            id="public-get",
        ),
        pytest.param(
            _policy(_allow({"AWS": "*"}, "s3:Get*", OBJECTS)),
            ANONYMOUS,
            {"s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectVersion"},
            {"s3:PutObject"},
            id="aws-star-wildcard-action",
        ),
        pytest.param(
            _policy(_allow({"AWS": [ROLE]}, "s3:*", [OBJECTS, f"arn:aws:s3:::{BUCKET}"])),
            ROLE,
            {"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:PutBucketPolicy"},
            set(),
            id="role-everything",
        ),
        pytest.param(
            _policy(_allow({"AWS": ROLE}, "S3:getobject", f"arn:aws:s3:::{BUCKET}/exports/*")),
            ROLE,
            {"s3:GetObject"},
            set(),
            id="prefix-resource-action-case-insensitive",
        ),
        pytest.param(
            _policy(_allow({"AWS": ROLE}, "*", "*"), _deny({"AWS": ROLE}, "s3:Delete*", "*")),
            ROLE,
            {"s3:GetObject", "s3:PutObject"},
            {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"},
            id="explicit-deny-wins",
        ),
        pytest.param(
            _policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ROLE},
                    "NotAction": "s3:Put*",
                    "Resource": OBJECTS,
                }
            ),
            ROLE,
            {"s3:GetObject", "s3:DeleteObject"},
            {"s3:PutObject", "s3:PutObjectAcl"},
            id="not-action",
        ),
        pytest.param(
            _policy(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "NotResource": f"arn:aws:s3:::{BUCKET}/private/*",
                }
            ),
            ANONYMOUS,
            {"s3:GetObject"},
            set(),
            id="not-resource-elsewhere",
        ),
        pytest.param(
            _policy(
                {
                    "Effect": "Allow",
                    "NotPrincipal": {"AWS": OTHER},
                    "Action": "s3:GetObject",
                    "Resource": OBJECTS,
                }
            ),
            ANONYMOUS,
            {"s3:GetObject"},
            set(),
            id="not-principal-allow-is-everyone",
        ),
        pytest.param(
            _policy(
                _allow("*", "s3:GetObject", OBJECTS),
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": ROLE},
                    "Action": "s3:*",
                    "Resource": OBJECTS,
                },
            ),
            ROLE,
            {"s3:GetObject"},
            set(),
            id="deny-all-but-role-keeps-role",
        ),
        pytest.param(
            _policy(_allow("*", "s3:GetObject", "arn:aws:s3:::dat?/exports/*.csv")),
            ANONYMOUS,
            {"s3:GetObject"},
            set(),
            id="question-mark-and-star-in-resource",
        ),
    ],
)
def test_allowed_actions(
    document: dict[str, Any], principal: str, allowed: set[str], refused: set[str]
) -> None:
    grant = _by_principal(document)[principal]
    assert allowed <= grant.actions
    assert not refused & grant.actions
    assert grant.source == "s3-policy"
    assert grant.via[0] == principal


@pytest.mark.parametrize(
    ("document", "key", "absent"),
    [
        pytest.param(
            _policy(_allow("*", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/public/*")),
            KEY,
            ANONYMOUS,
            id="other-prefix",
        ),
        pytest.param(
            _policy(_allow("*", "s3:GetObject", "arn:aws:s3:::other-bucket/*")),
            KEY,
            ANONYMOUS,
            id="other-bucket",
        ),
        pytest.param(
            _policy(_allow("*", "s3:GetObject", OBJECTS), _deny("*", "s3:GetObject", OBJECTS)),
            KEY,
            ANONYMOUS,
            id="denied-for-everyone",
        ),
        pytest.param(
            _policy(
                _allow("*", "s3:GetObject", OBJECTS),
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": ROLE},
                    "Action": "s3:GetObject",
                    "Resource": OBJECTS,
                },
            ),
            KEY,
            ANONYMOUS,
            id="deny-all-but-role-removes-anonymous",
        ),
        pytest.param(
            _policy(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "NotResource": f"arn:aws:s3:::{BUCKET}/exports/*",
                }
            ),
            KEY,
            ANONYMOUS,
            id="not-resource-covers-key",
        ),
        pytest.param(
            _policy(_allow({"AWS": ROLE}, "s3:GetObject", OBJECTS)),
            KEY,
            ANONYMOUS,
            id="named-role-is-not-anonymous",
        ),
        pytest.param(
            _policy(_allow("*", "s3:ListBucket", OBJECTS)), KEY, ANONYMOUS, id="list-on-object-arn"
        ),
    ],
)
def test_no_grant(document: dict[str, Any], key: str, absent: str) -> None:
    assert absent not in _by_principal(document, key)


@pytest.mark.parametrize(
    ("statement", "public", "conditional"),
    [
        pytest.param(_allow("*", "s3:GetObject", OBJECTS), True, False, id="unconditional"),
        pytest.param(
            _allow(
                "*",
                "s3:GetObject",
                OBJECTS,
                Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            ),
            False,
            True,
            id="source-ip",
        ),
        pytest.param(
            _allow(
                "*",
                "s3:GetObject",
                OBJECTS,
                Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c"}},
            ),
            False,
            True,
            id="source-vpce",
        ),
        pytest.param(
            _allow(
                "*",
                "s3:GetObject",
                OBJECTS,
                Condition={"StringLike": {"aws:Referer": "https://example.org/*"}},
            ),
            True,
            True,
            id="referer-is-no-restriction",
        ),
        pytest.param(
            _allow(
                "*",
                "s3:GetObject",
                OBJECTS,
                Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            ),
            True,
            True,
            id="negated-source-ip-allow",
        ),
    ],
)
def test_conditions(statement: dict[str, Any], public: bool, conditional: bool) -> None:
    grant = _by_principal(_policy(statement))[ANONYMOUS]
    assert "s3:GetObject" in grant.actions
    assert grant.public is public
    assert grant.conditional is conditional
    assert ("conditional: True" in grant.reason) is conditional


@pytest.mark.parametrize(
    ("deny_condition", "public"),
    [
        pytest.param(
            {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, False, id="deny-outside-ip"
        ),
        pytest.param(
            {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, False, id="deny-outside-vpce"
        ),
        pytest.param({"Bool": {"aws:SecureTransport": "false"}}, True, id="deny-plain-http-only"),
    ],
)
def test_conditional_deny(deny_condition: dict[str, Any], public: bool) -> None:
    document = _policy(
        _allow("*", "s3:GetObject", OBJECTS),
        _deny("*", "s3:*", OBJECTS, Condition=deny_condition),
    )
    grant = _by_principal(document)[ANONYMOUS]
    assert "s3:GetObject" in grant.actions
    assert grant.public is public


def test_single_statement_object_and_sid_in_chain() -> None:
    document = {"Statement": dict(_allow("*", "s3:GetObject", OBJECTS), Sid="PublicRead")}
    grant = _by_principal(json.dumps(document))[ANONYMOUS]
    assert grant.via == (ANONYMOUS, "bucket policy statement PublicRead")


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        pytest.param("{not json", "not JSON", id="not-json"),
        pytest.param("[1, 2]", "not a JSON object", id="not-object"),
        pytest.param({"Version": "2012-10-17"}, "no Statement", id="no-statement"),
        pytest.param(
            _policy({"Effect": "Maybe", "Principal": "*", "Action": "s3:*", "Resource": "*"}),
            "Effect must be",
            id="bad-effect",
        ),
        pytest.param(
            _policy({"Effect": "Allow", "Principal": "*", "Action": 7, "Resource": "*"}),
            "Action must be",
            id="bad-action",
        ),
        pytest.param(
            _policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
            "Principal or NotPrincipal",
            id="no-principal",
        ),
        pytest.param(
            _policy({"Effect": "Allow", "Principal": "someone", "Action": "s3:*", "Resource": "*"}),
            "Principal must be",
            id="bad-principal",
        ),
        pytest.param(
            _policy(_allow("*", "s3:*", "*", Condition=["x"])),
            "Condition must be",
            id="bad-condition",
        ),
        pytest.param(_policy("statement"), "is not an object", id="statement-not-object"),
        pytest.param("x" * 200_001, "not read", id="huge"),
    ],
)
def test_malformed_policy_is_a_problem(document: Any, problem: str) -> None:
    policy = parse_policy(document)
    assert any(problem in p for p in policy.problems), policy.problems
    assert policy_grants(policy, BUCKET, KEY) == [] or policy.statements


def test_bad_statement_does_not_hide_good_ones() -> None:
    policy = parse_policy(_policy({"Effect": "Nope"}, _allow("*", "s3:GetObject", OBJECTS)))
    assert len(policy.problems) == 1
    assert ANONYMOUS in {g.principal.name for g in policy_grants(policy, BUCKET, KEY)}


def test_principals_are_bounded() -> None:
    roles = [f"arn:aws:iam::111122223333:role/r{i}" for i in range(600)]
    policy = parse_policy(_policy(_allow({"AWS": roles}, "s3:GetObject", OBJECTS)))
    assert any("600 principals" in p for p in policy.problems)
    assert len(policy_grants(policy, BUCKET, KEY)) == 500


VPCE_ONLY = {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c"}}


@pytest.mark.parametrize(
    ("statements", "public"),
    [
        pytest.param(
            [
                _allow("*", "s3:GetObject", OBJECTS),
                _allow("*", "s3:PutObject", OBJECTS, Condition=VPCE_ONLY),
            ],
            True,
            id="open-read-restricted-write",
        ),
        pytest.param(
            [
                _allow("*", "s3:GetObject", OBJECTS, Condition=VPCE_ONLY),
                _allow("*", "s3:PutObject", OBJECTS),
            ],
            False,
            id="restricted-read-open-write",
        ),
        pytest.param(
            [
                _allow("*", "s3:GetObject", OBJECTS, Condition=VPCE_ONLY),
                _allow("*", "s3:GetObject", OBJECTS),
            ],
            True,
            id="also-allowed-without-condition",
        ),
    ],
)
def test_public_means_readable_from_anywhere(
    statements: list[dict[str, Any]], public: bool
) -> None:
    assert _by_principal(_policy(*statements))[ANONYMOUS].public is public
