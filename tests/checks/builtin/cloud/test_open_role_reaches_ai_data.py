from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.cloud.open_role_reaches_ai_data import OpenRoleReachesAiDataCheck
from stackward.model import AssetKind, Layer, Relation, RelationKind
from tests.checks.builtin.aws.conftest import tf_asset
from tests.collectors.terraform.conftest import FIXTURES, collect_path
from tests.conftest import findings_of, graph_of

EVERYONE = {"principal": "*", "type": "everyone", "conditional": False}
SERVICE = {"principal": "sagemaker.amazonaws.com", "type": "service", "conditional": False}


@pytest.mark.parametrize(
    ("trust", "sensitive", "access", "expected"),
    [
        pytest.param([EVERYONE], True, ["read"], 1, id="open role reads training data"),
        pytest.param([SERVICE, EVERYONE], True, ["write"], 1, id="one of several"),
        pytest.param([{**EVERYONE, "conditional": True}], True, ["read"], 0, id="conditional"),
        pytest.param([SERVICE], True, ["read"], 0, id="service only"),
        pytest.param([EVERYONE], False, ["read"], 0, id="no AI data"),
        pytest.param([EVERYONE], True, [], 0, id="legacy edge without access"),
        pytest.param("not a list", True, ["read"], 0, id="malformed"),
    ],
)
def test_open_role(trust: Any, sensitive: bool, access: list[str], expected: int) -> None:
    role = tf_asset("aws_iam_role", AssetKind.IAM_ROLE, Layer.IDENTITY, assumable_by=trust)
    bucket = tf_asset("aws_s3_bucket", AssetKind.OBJECT_BUCKET, sensitive=sensitive)
    props = {"access": access} if access else {}
    relation = Relation(role.id, bucket.id, RelationKind.CAN_ACCESS, props)
    findings = findings_of(OpenRoleReachesAiDataCheck, graph_of([role, bucket], [relation]))
    assert [f.rule_id for f in findings] == ["SW-CLOUD-002"] * expected


def test_fixture_plan() -> None:
    """Two roles anyone can assume: one reads a training bucket, one holds no policy."""
    result = collect_path(FIXTURES / "aws_access_plan.json")
    findings = findings_of(OpenRoleReachesAiDataCheck, graph_of(result.assets, result.relations))
    assert [f.asset_id for f in findings] == ["tf:aws_iam_role.public_reader"]
