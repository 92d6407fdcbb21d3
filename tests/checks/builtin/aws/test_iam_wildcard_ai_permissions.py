from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.aws.iam_wildcard_ai_permissions import IamWildcardAiPermissionsCheck
from stackward.collectors.terraform.policy import parse_policy
from stackward.model import AssetKind, Layer
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


def _statement(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Resource": "*", **fields}


@pytest.mark.parametrize(
    ("statements", "details"),
    [
        ([_statement(Action="sagemaker:*")], ["sagemaker:*"]),
        ([_statement(Action=["bedrock:*", "s3:GetObject"])], ["bedrock:*"]),
        ([_statement(Action="S3:*")], ["S3:*"]),
        ([_statement(Action="*")], ["*"]),
        ([_statement(NotAction="iam:*")], ["every action except iam:*"]),
        ([_statement(Action="s3:*", Resource=None, NotResource="arn:aws:s3:::x")], ["s3:*"]),
        ([_statement(Action="s3:*"), _statement(Action="sagemaker:*")], ["s3:*", "sagemaker:*"]),
        ([_statement(Action="s3:*", Resource="arn:aws:s3:::training/*")], []),
        ([_statement(Action="bedrock:InvokeModel")], []),
        ([_statement(Action="s3:Get*")], []),
        ([_statement(Effect="Deny", Action="*")], []),
        ([_statement(Action="ec2:*")], []),
    ],
)
def test_wildcard_grants(statements: list[dict[str, Any]], details: list[str]) -> None:
    policy = tf_asset(
        "aws_iam_policy",
        AssetKind.IAM_POLICY,
        Layer.IDENTITY,
        statements=parse_policy({"Statement": statements}),
    )
    findings = findings_of(IamWildcardAiPermissionsCheck, graph_of([policy]))
    assert [f.title.rsplit(": ", 1)[-1] for f in findings] == details
    assert all(f.rule_id == "SW-AWS-008" for f in findings)


def test_policy_without_statements_is_clean() -> None:
    policy = tf_asset("aws_iam_policy", AssetKind.IAM_POLICY, Layer.IDENTITY, statements=[])
    assert findings_of(IamWildcardAiPermissionsCheck, graph_of([policy])) == []
