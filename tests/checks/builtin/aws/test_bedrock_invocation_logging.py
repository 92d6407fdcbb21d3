from __future__ import annotations

import pytest

from stackward.checks.builtin.aws.bedrock_invocation_logging import BedrockInvocationLoggingCheck
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind
from tests.checks.builtin.aws.conftest import tf_asset
from tests.conftest import findings_of, graph_of


def _bedrock(rtype: str = "aws_bedrock_usage") -> Asset:
    return Asset(
        id="aws:bedrock/us-east-1",
        kind=AssetKind.LLM_SERVICE,
        layer=Layer.CORE_AI,
        name="Amazon Bedrock (us-east-1)",
        source="stack/plan.json",
        properties={"resource_type": rtype, "used_by": ["tf:aws_iam_policy.invoke"]},
        region="us-east-1",
    )


LOGGING = tf_asset(
    "aws_bedrock_model_invocation_logging_configuration",
    AssetKind.LOG_CONFIG,
    Layer.LOGGING_MONITORING,
)
TRAIL = tf_asset("aws_cloudtrail", AssetKind.LOG_CONFIG, Layer.LOGGING_MONITORING)
BUCKET = tf_asset("aws_s3_bucket", AssetKind.OBJECT_BUCKET)


@pytest.mark.parametrize(
    ("rtype", "target", "expected"),
    [
        ("aws_bedrock_usage", None, 1),
        ("aws_bedrock_usage", LOGGING, 0),
        ("aws_bedrock_usage", TRAIL, 0),
        ("aws_bedrock_usage", BUCKET, 1),
        ("aws_bedrockagent_agent", None, 0),
    ],
)
def test_invocation_logging(rtype: str, target: Asset | None, expected: int) -> None:
    service = _bedrock(rtype)
    assets = [service] + ([target] if target else [])
    relations = [Relation(service.id, target.id, RelationKind.LOGS_TO)] if target else []
    findings = findings_of(BedrockInvocationLoggingCheck, graph_of(assets, relations))
    assert [(f.rule_id, f.asset_id) for f in findings] == [("SW-AWS-005", service.id)] * expected
    if expected:
        assert "aws_iam_policy.invoke" in findings[0].evidence.snippet
