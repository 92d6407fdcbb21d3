"""Offline evaluation of IAM statements: wildcards, NotAction, ARNs, deny wins, conditions.

Pure functions over documents; no AWS account is involved (nothing can call IAM here),
so the expected verdicts are those of the AWS policy evaluation logic for the same input.
"""

from __future__ import annotations

from typing import Any

import pytest

from stackward.collectors.terraform.policy import (
    UNKNOWN_FIELD,
    Verdict,
    decide,
    glob_matches,
    glob_matches_below,
    parse_policy,
    policy_properties,
)

BUCKET = "arn:aws:s3:::acme-training"
ENDPOINT = f"arn:aws:sagemaker:eu-west-1:{UNKNOWN_FIELD}:endpoint/scoring"


def allow(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **fields}


def deny(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Deny", **fields}


CASES = [
    # (id, statements, action, arn, below, verdict)
    (
        "exact action",
        [allow(Action="s3:GetObject", Resource=f"{BUCKET}/*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "action case-insensitive",
        [allow(Action="S3:getobject", Resource=f"{BUCKET}/*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "service wildcard",
        [allow(Action="s3:*", Resource="*")],
        "s3:PutObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "prefix wildcard",
        [allow(Action="s3:Get*", Resource="*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "prefix wildcard misses put",
        [allow(Action="s3:Get*", Resource="*")],
        "s3:PutObject",
        BUCKET,
        True,
        Verdict.NOT_GRANTED,
    ),
    (
        "star action",
        [allow(Action="*", Resource="*")],
        "iam:PassRole",
        "arn:aws:iam::1:role/x",
        False,
        Verdict.ALLOW,
    ),
    (
        "other service",
        [allow(Action="sagemaker:*", Resource="*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.NOT_GRANTED,
    ),
    (
        "NotAction grants the rest",
        [allow(NotAction="iam:*", Resource="*")],
        "s3:PutObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "NotAction leaves out its list",
        [allow(NotAction=["iam:*", "s3:*"], Resource="*")],
        "s3:PutObject",
        BUCKET,
        True,
        Verdict.NOT_GRANTED,
    ),
    (
        "object prefix counts for the bucket",
        [allow(Action="s3:PutObject", Resource=f"{BUCKET}/curated/*")],
        "s3:PutObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "object ARN does not cover bucket action",
        [allow(Action="s3:ListBucket", Resource=f"{BUCKET}/*")],
        "s3:ListBucket",
        BUCKET,
        False,
        Verdict.NOT_GRANTED,
    ),
    (
        "bucket ARN does not cover objects",
        [allow(Action="s3:GetObject", Resource=BUCKET)],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.NOT_GRANTED,
    ),
    (
        "bucket name wildcard",
        [allow(Action="s3:GetObject", Resource="arn:aws:s3:::acme-*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "other bucket with shared prefix",
        [allow(Action="s3:GetObject", Resource=f"{BUCKET}-old/*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.NOT_GRANTED,
    ),
    (
        "question mark",
        [allow(Action="s3:ListBucket", Resource="arn:aws:s3:::acme-trainin?")],
        "s3:ListBucket",
        BUCKET,
        False,
        Verdict.ALLOW,
    ),
    (
        "NotResource elsewhere",
        [allow(Action="s3:*", NotResource="arn:aws:s3:::other/*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "NotResource this bucket",
        [allow(Action="s3:*", NotResource=f"{BUCKET}/*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.NOT_GRANTED,
    ),
    (
        "deny wins",
        [allow(Action="s3:*", Resource="*"), deny(Action="s3:PutObject", Resource=f"{BUCKET}/*")],
        "s3:PutObject",
        BUCKET,
        True,
        Verdict.DENY,
    ),
    (
        "deny before allow still wins",
        [deny(Action="s3:*", Resource="*"), allow(Action="s3:GetObject", Resource="*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.DENY,
    ),
    (
        "deny of another action",
        [allow(Action="s3:*", Resource="*"), deny(Action="s3:Delete*", Resource="*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "conditional allow",
        [
            allow(
                Action="s3:GetObject",
                Resource="*",
                Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            )
        ],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.CONDITIONAL,
    ),
    (
        "conditional and plain allow",
        [
            allow(Action="s3:GetObject", Resource="*", Condition={"Bool": {"x": "y"}}),
            allow(Action="s3:*", Resource="*"),
        ],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "conditional deny keeps the grant",
        [
            allow(Action="s3:*", Resource="*"),
            deny(Action="s3:*", Resource="*", Condition={"Bool": {"aws:SecureTransport": "false"}}),
        ],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.ALLOW,
    ),
    (
        "endpoint ARN of the account",
        [
            allow(
                Action="sagemaker:InvokeEndpoint",
                Resource="arn:aws:sagemaker:eu-west-1:111122223333:endpoint/scoring",
            )
        ],
        "sagemaker:InvokeEndpoint",
        ENDPOINT,
        False,
        Verdict.ALLOW,
    ),
    (
        "endpoint in another region",
        [
            allow(
                Action="sagemaker:InvokeEndpoint",
                Resource="arn:aws:sagemaker:us-east-1:111122223333:endpoint/scoring",
            )
        ],
        "sagemaker:InvokeEndpoint",
        ENDPOINT,
        False,
        Verdict.NOT_GRANTED,
    ),
    (
        "endpoint wildcard",
        [allow(Action="sagemaker:Invoke*", Resource="arn:aws:sagemaker:*:*:endpoint/*")],
        "sagemaker:InvokeEndpoint",
        ENDPOINT,
        False,
        Verdict.ALLOW,
    ),
    (
        "other endpoint",
        [
            allow(
                Action="sagemaker:InvokeEndpoint",
                Resource="arn:aws:sagemaker:eu-west-1:1:endpoint/other",
            )
        ],
        "sagemaker:InvokeEndpoint",
        ENDPOINT,
        False,
        Verdict.NOT_GRANTED,
    ),
    (
        "no Resource grants nothing",
        [allow(Action="s3:*")],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.NOT_GRANTED,
    ),
    ("no statements", [], "s3:GetObject", BUCKET, True, Verdict.NOT_GRANTED),
    (
        "Effect misspelt",
        [{"Effect": "allow", "Action": "s3:*", "Resource": "*"}],
        "s3:GetObject",
        BUCKET,
        True,
        Verdict.NOT_GRANTED,
    ),
]


@pytest.mark.parametrize(
    ("statements", "action", "arn", "below", "verdict"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_decide(
    statements: list[dict[str, Any]], action: str, arn: str, below: bool, verdict: Verdict
) -> None:
    parsed = parse_policy({"Statement": statements}) if statements else []
    assert decide(parsed, action, arn, below).verdict is verdict


def test_decision_names_the_statements() -> None:
    parsed = parse_policy(
        {
            "Statement": [
                allow(Sid="Read", Action="s3:GetObject", Resource="*"),
                allow(Action="s3:Get*", Resource="*"),
                deny(Sid="NoPut", Action="s3:PutObject", Resource="*"),
            ]
        }
    )
    assert decide(parsed, "s3:GetObject", BUCKET, True).statements == ("Read", "statement 1")
    assert decide(parsed, "s3:PutObject", BUCKET, True).statements == ("NoPut",)


@pytest.mark.parametrize(
    ("document", "error"),
    [
        pytest.param("{not json", "not valid JSON", id="not json"),
        pytest.param('{"Statement": [42]}', "statement 0 is not an object", id="bad statement"),
        pytest.param("[]", "not a JSON object", id="array"),
        pytest.param('{"Version": "2012-10-17"}', "no Statement", id="no statement"),
    ],
)
def test_malformed_policies_grant_nothing(document: str, error: str) -> None:
    props = policy_properties(document)
    assert props["statements"] == []
    assert error in props["policy_error"]


@pytest.mark.parametrize(
    ("pattern", "text", "whole", "below"),
    [
        pytest.param("*", "arn:aws:s3:::b", True, True, id="star"),
        pytest.param("arn:aws:s3:::b", "arn:aws:s3:::b", True, False, id="exact"),
        pytest.param("arn:aws:s3:::b/*", "arn:aws:s3:::b", False, True, id="objects"),
        pytest.param("arn:aws:s3:::b/", "arn:aws:s3:::b", False, False, id="empty key"),
        pytest.param("arn:aws:s3:::b*", "arn:aws:s3:::b", True, True, id="trailing star"),
        pytest.param("arn:aws:s3:::c/*", "arn:aws:s3:::b", False, False, id="other bucket"),
        pytest.param("a[b]c", "a[b]c", True, False, id="brackets are literal"),
        pytest.param("x" * 500 + "*", "x" * 2000, True, True, id="long input"),
    ],
)
def test_glob(pattern: str, text: str, whole: bool, below: bool) -> None:
    assert glob_matches(pattern, text) is whole
    assert glob_matches_below(pattern, text) is below
