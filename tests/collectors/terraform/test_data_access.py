"""Who can access what, from a plan with planted exposures and their locked-down twins.

The plan (``fixtures/aws_access_plan.json``) stands in for a real account: IAM and S3
cannot be run here, so the effective access AWS would compute is not observed, only what
the policies in the plan say.
"""

from __future__ import annotations

import json
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from stackward.collectors.base import CollectResult
from stackward.collectors.terraform.data_access import EVERYONE, assumable_by
from stackward.collectors.terraform.policy import parse_policy
from stackward.model import RelationKind
from tests.collectors.terraform.conftest import FIXTURES, collect_path
from tests.collectors.terraform.test_scale import _plan as scale_plan
from tests.conftest import EXAMPLES

PARTNER = "aws:principal/arn:aws:iam::444455556666:root"


@cache
def collected() -> CollectResult:
    return collect_path(FIXTURES / "aws_access_plan.json")


def access_edges() -> dict[tuple[str, str], dict[str, Any]]:
    """``(principal, asset) -> properties`` of the edges in the data-access shape."""
    return {
        (r.src, r.dst): r.properties
        for r in collected().relations
        if r.kind is RelationKind.CAN_ACCESS and "access" in r.properties
    }


def test_plan_is_read_without_skips() -> None:
    assert collected().skipped == []


@pytest.mark.parametrize(
    ("principal", "asset", "access", "source", "conditional"),
    [
        pytest.param(EVERYONE, "open_training_data", ["write"], "s3-policy", False, id="policy *"),
        pytest.param(
            EVERYONE, "acl_training_data", ["read", "write"], "s3-acl", False, id="acl rw"
        ),
        pytest.param(PARTNER, "team_reports", ["write"], "s3-policy", False, id="other account"),
        pytest.param(
            "tf:aws_iam_role.trainer", "team_reports", ["read"], "s3-policy", False, id="role arn"
        ),
        pytest.param(
            "tf:aws_iam_role.trainer", "open_training_data", ["read"], "aws-iam", False, id="inline"
        ),
        pytest.param(
            "tf:aws_iam_role.power",
            "open_training_data",
            ["admin", "read", "write"],
            "aws-iam",
            False,
            id="NotAction managed",
        ),
        pytest.param(
            "tf:aws_iam_role.admin",
            "tf:aws_iam_role.trainer",
            ["admin"],
            "aws-iam",
            False,
            id="PassRole",
        ),
        pytest.param(
            "tf:aws_iam_user.analyst",
            "locked_training_data",
            ["read"],
            "aws-iam",
            False,
            id="group",
        ),
        pytest.param(
            "tf:aws_iam_role.invoker",
            "tf:aws_sagemaker_endpoint.scoring",
            ["read"],
            "aws-iam",
            True,
            id="conditional invoke",
        ),
        pytest.param(
            "tf:aws_iam_role.invoker",
            "tf:aws_sagemaker_model.scoring",
            ["read"],
            "aws-iam",
            True,
            id="served model",
        ),
        pytest.param(
            "tf:aws_iam_role.admin",
            "aws:bedrock/eu-west-1",
            ["read"],
            "aws-iam",
            False,
            id="foundation models",
        ),
    ],
)
def test_planted_access_is_found(
    principal: str, asset: str, access: list[str], source: str, conditional: bool
) -> None:
    target = asset if ":" in asset else f"tf:aws_s3_bucket.{asset}"
    edge = access_edges().get((principal, target))
    assert edge is not None, sorted(k for k in access_edges() if k[0] == principal)
    assert (edge["access"], edge["source"], edge["conditional"]) == (access, source, conditional)
    assert edge["via"][-1] and edge["reason"].endswith(".")


@pytest.mark.parametrize(
    ("principal", "asset", "why"),
    [
        pytest.param(EVERYONE, "locked_training_data", "public access block", id="pab policy"),
        pytest.param(EVERYONE, "acl_locked_training_data", "public access block", id="pab acl"),
        pytest.param(EVERYONE, "team_reports", "no public grant", id="named principals"),
        pytest.param(
            "tf:aws_iam_role.power", "tf:aws_iam_role.trainer", "NotAction iam:*", id="no iam"
        ),
        pytest.param("tf:aws_iam_role.invoker", "open_training_data", "malformed", id="malformed"),
        pytest.param(
            "tf:aws_iam_role.power", "team_reports", "bucket policy denies it", id="bucket deny"
        ),
        pytest.param(
            "tf:aws_iam_role.open_role", "open_training_data", "no policy", id="no policy"
        ),
    ],
)
def test_locked_down_twins_yield_nothing(principal: str, asset: str, why: str) -> None:
    target = asset if ":" in asset else f"tf:aws_s3_bucket.{asset}"
    assert (principal, target) not in access_edges(), why


@pytest.mark.parametrize(
    ("principal", "asset", "privilege"),
    [
        pytest.param("tf:aws_iam_role.trainer", "locked_training_data", None, id="deny wins"),
        pytest.param(
            "tf:aws_iam_user.analyst", "open_training_data", "s3:PutObject", id="read only"
        ),
        pytest.param(
            "tf:aws_iam_role.trainer", "open_training_data", "s3:PutObject", id="get only"
        ),
        pytest.param(
            "tf:aws_iam_role.trainer", "team_reports", "s3:PutObject", id="own deny on bucket grant"
        ),
    ],
)
def test_grants_stop_where_policies_stop(principal: str, asset: str, privilege: str | None) -> None:
    edge = access_edges().get((principal, f"tf:aws_s3_bucket.{asset}"))
    if privilege is None:
        assert edge is None
    else:
        assert edge is not None and privilege not in edge["privileges"]


def test_via_runs_from_principal_to_statement() -> None:
    edge = access_edges()[("tf:aws_iam_user.analyst", "tf:aws_s3_bucket.team_reports")]
    assert edge["via"] == [
        "aws_iam_user.analyst",
        "member of aws_iam_group.readers (aws_iam_user_group_membership.analyst)",
        "aws_iam_group_policy_attachment.readers",
        "AmazonS3ReadOnlyAccess (AWS managed)",
        "statement 0",
    ]
    invoke = access_edges()[("tf:aws_iam_role.invoker", "tf:aws_sagemaker_endpoint.scoring")]
    assert invoke["privileges"] == ["invoke", "sagemaker:InvokeEndpoint"]


def test_everyone_is_a_principal_asset() -> None:
    everyone = {a.id: a for a in collected().assets}[EVERYONE]
    assert everyone.prop("everyone") is True
    assert everyone.prop("principal_type") == "anonymous"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param("open_role", [("*", "everyone")], id="anyone"),
        pytest.param("invoker", [("arn:aws:iam::444455556666:root", "account")], id="account"),
        pytest.param("trainer", [("sagemaker.amazonaws.com", "service")], id="service"),
        pytest.param("broken", [], id="malformed trust"),
    ],
)
def test_assumable_by(role: str, expected: list[tuple[str, str]]) -> None:
    asset = {a.id: a for a in collected().assets}[f"tf:aws_iam_role.{role}"]
    assert [(e["principal"], e["type"]) for e in asset.prop("assumable_by")] == expected


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        pytest.param(
            {
                "Effect": "Allow",
                "Principal": {"Federated": "accounts.google.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"a": "b"}},
            },
            [("accounts.google.com", "federated", True)],
            id="web identity with condition",
        ),
        pytest.param(
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}, [], id="deny"
        ),
        pytest.param(
            {"Effect": "Allow", "Principal": "*", "Action": "sts:TagSession"}, [], id="not assume"
        ),
    ],
)
def test_assumable_by_reads_trust_statements(
    statement: dict[str, Any], expected: list[tuple[str, str, bool]]
) -> None:
    found = assumable_by(parse_policy({"Statement": [statement]}))
    assert [(e["principal"], e["type"], e["conditional"]) for e in found] == expected


def test_example_stack_access() -> None:
    """The bundled example: the public model bucket is readable, not writable, by everyone."""
    result = collect_path(EXAMPLES / "ai-stack" / "terraform" / "plan.json")
    edges = {
        (r.src, r.dst): r.properties
        for r in result.relations
        if r.kind is RelationKind.CAN_ACCESS and "access" in r.properties
    }
    assert edges[(EVERYONE, "tf:aws_s3_bucket.model_artifacts")]["access"] == ["read"]
    assert edges[("tf:aws_iam_role.chat_api", "aws:bedrock/us-east-1")]["privileges"] == [
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream",
        "invoke",
    ]


def test_access_scales_with_the_grants_not_the_cross_product(tmp_path: Path) -> None:
    """700 roles each reading its own bucket, plus three administrators of everything."""
    plan = scale_plan(700)
    resources = plan["planned_values"]["root_module"]["resources"]
    for i in range(3):
        resources.append(
            {
                "address": f"aws_iam_role.admin{i}",
                "mode": "managed",
                "type": "aws_iam_role",
                "name": f"admin{i}",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "values": {
                    "name": f"admin{i}",
                    "assume_role_policy": "{}",
                    "managed_policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
                },
            }
        )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    started = time.perf_counter()
    result = collect_path(path)
    elapsed = time.perf_counter() - started
    edges = [
        (r.src, r.dst)
        for r in result.relations
        if r.kind is RelationKind.CAN_ACCESS and "access" in r.properties
    ]
    readers = [e for e in edges if e[0].startswith("tf:aws_iam_role.r")]
    assert len(readers) == 700
    assert ("tf:aws_iam_role.r7", "tf:aws_s3_bucket.b7") in readers
    assert len(edges) - len(readers) == 3 * (700 + 702)  # every bucket, every other role
    assert elapsed < 60, f"{elapsed:.1f}s"
