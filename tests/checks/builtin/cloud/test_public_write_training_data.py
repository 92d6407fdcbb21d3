from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.cloud.public_write_training_data import (
    PublicWriteTrainingDataCheck,
)
from stackward.collectors.terraform.data_access import EVERYONE
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Severity
from tests.checks.builtin.aws.conftest import tf_asset
from tests.collectors.terraform.conftest import FIXTURES, collect_path
from tests.conftest import findings_of, graph_of

TRAINER = "tf:aws_iam_role.trainer"


def principal(principal_id: str, everyone: bool) -> Asset:
    return Asset(
        id=principal_id,
        kind=AssetKind.IAM_ROLE,
        layer=Layer.IDENTITY,
        name=principal_id,
        source="stack/plan.json",
        properties={"everyone": everyone},
    )


def access(src: str, dst: str, access: list[str], **extra: Any) -> Relation:
    props = {
        "access": access,
        "privileges": ["s3:PutObject"] if "write" in access else ["s3:GetObject"],
        "via": [src, "aws_s3_bucket_policy.b", "AnyoneUploads"],
        "reason": "r.",
        "source": "s3-policy",
        "conditional": False,
        **extra,
    }
    return Relation(src, dst, RelationKind.CAN_ACCESS, props)


BUCKET = "tf:aws_s3_bucket.x"


@pytest.mark.parametrize(
    ("sensitive", "who", "rights", "trained_on", "extra", "expected"),
    [
        pytest.param(
            True, EVERYONE, ["write"], False, {}, [Severity.CRITICAL], id="named training"
        ),
        pytest.param(
            False, EVERYONE, ["read", "write"], True, {}, [Severity.CRITICAL], id="trained on"
        ),
        pytest.param(
            True,
            EVERYONE,
            ["write"],
            False,
            {"conditional": True},
            [Severity.HIGH],
            id="conditional",
        ),
        pytest.param(True, EVERYONE, ["read"], False, {}, [], id="read only"),
        pytest.param(True, TRAINER, ["write"], False, {}, [], id="named role"),
        pytest.param(False, EVERYONE, ["write"], False, {}, [], id="not ai data"),
    ],
)
def test_public_write_training_data(
    sensitive: bool,
    who: str,
    rights: list[str],
    trained_on: bool,
    extra: dict[str, Any],
    expected: list[Severity],
) -> None:
    bucket = tf_asset("aws_s3_bucket", AssetKind.OBJECT_BUCKET, sensitive=sensitive)
    model = tf_asset("aws_bedrock_custom_model", AssetKind.MODEL_ARTIFACT, Layer.CORE_AI)
    relations = [access(who, BUCKET, rights, **extra)]
    if trained_on:
        relations.append(Relation(model.id, BUCKET, RelationKind.TRAINED_ON))
    graph = graph_of([bucket, model, principal(who, who == EVERYONE)], relations)
    findings = findings_of(PublicWriteTrainingDataCheck, graph)
    assert [f.severity for f in findings] == expected
    assert all(f.rule_id == "SW-CLOUD-001" for f in findings)


def test_fires_on_planted_plan_and_not_on_twins() -> None:
    """End to end over the fixture plan: the collector's edges drive the check."""
    result = collect_path(FIXTURES / "aws_access_plan.json")
    findings = findings_of(PublicWriteTrainingDataCheck, graph_of(result.assets, result.relations))
    assert sorted(f.asset_id for f in findings) == [
        "tf:aws_s3_bucket.acl_training_data",
        "tf:aws_s3_bucket.open_training_data",
    ]
    assert len({f.fingerprint for f in findings}) == 2
