"""API Gateway APIs from small plans: exposure, authorisation and routes to SageMaker."""

from __future__ import annotations

from functools import cache

import pytest

from stackward.collectors.base import CollectResult
from stackward.collectors.terraform.aws_apigateway import sagemaker_target
from stackward.model import Asset, AssetKind, RelationKind
from tests.collectors.terraform.conftest import FIXTURES, collect_path

REST = "tf:aws_api_gateway_rest_api.scoring"
HTTP = "tf:aws_apigatewayv2_api.scoring"
ENDPOINT = "tf:aws_sagemaker_endpoint.churn"


@cache
def collected(name: str) -> CollectResult:
    return collect_path(FIXTURES / "apigateway" / f"{name}.json")


def _api(result: CollectResult, api_id: str) -> Asset:
    found = {a.id: a for a in result.assets}
    assert api_id in found, sorted(found)
    return found[api_id]


@pytest.mark.parametrize(
    ("plan", "api_id", "exposed", "endpoint_types", "authorizations", "routes", "edge"),
    [
        ("public_rest", REST, True, ["REGIONAL"], ["NONE"], ["churn-scoring"], True),
        ("edge_default_rest", REST, True, ["EDGE"], ["NONE"], ["churn-scoring"], True),
        ("private_rest", REST, False, ["PRIVATE"], ["AWS_IAM"], ["churn-scoring"], True),
        ("disabled_rest", REST, False, ["REGIONAL"], ["NONE"], ["churn-scoring"], True),
        ("http_api", HTTP, True, ["REGIONAL"], ["JWT"], ["churn-scoring"], True),
        ("http_runtime_uri", HTTP, True, ["REGIONAL"], ["JWT"], ["Churn-Scoring"], True),
        ("disabled_http", HTTP, False, ["REGIONAL"], ["JWT"], ["churn-scoring"], True),
        ("disabled_http_custom_domain", HTTP, True, ["REGIONAL"], ["JWT"], ["churn-scoring"], True),
        ("endpoint_not_in_plan", REST, True, ["REGIONAL"], ["NONE"], ["fraud-scoring"], False),
        ("other_region", HTTP, True, ["REGIONAL"], ["JWT"], ["churn-scoring"], False),
        ("lambda_integration", HTTP, True, ["REGIONAL"], ["JWT"], [], False),
        ("uri_by_reference", REST, True, ["EDGE"], ["NONE"], ["churn-scoring"], True),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.startswith("tf:") else None,
)
def test_api_exposure_and_routes(
    plan: str,
    api_id: str,
    exposed: bool,
    endpoint_types: list[str],
    authorizations: list[str],
    routes: list[str],
    edge: bool,
) -> None:
    result = collected(plan)
    assert result.skipped == []
    api = _api(result, api_id)
    assert api.kind is AssetKind.CLOUD_RESOURCE
    assert api.prop("service") == "apigateway"
    assert api.internet_exposed is exposed
    assert api.prop("endpoint_types") == endpoint_types
    assert api.prop("authorizations") == authorizations
    assert api.prop("routes_to_endpoints") == routes
    routed = {(r.src, r.dst) for r in result.relations if r.kind is RelationKind.ROUTES_TO}
    assert routed == ({(api_id, ENDPOINT)} if edge else set())
    integrations = [a for a in result.assets if "integration" in a.id]
    assert integrations == [], "an integration of a planned API is merged onto it"


def test_integration_without_its_api_stays_a_plain_resource() -> None:
    result = collected("integration_without_api")
    assert result.skipped == []
    ids = {a.id for a in result.assets}
    assert "tf:aws_api_gateway_integration.score" in ids
    assert not [r for r in result.relations if r.kind is RelationKind.ROUTES_TO]


def test_endpoint_carries_its_resource_key() -> None:
    endpoint = _api(collected("public_rest"), ENDPOINT)
    assert endpoint.region == "us-east-1"
    assert endpoint.prop("resource_key") == "aws:sagemaker:us-east-1:endpoint/churn-scoring"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            "arn:aws:apigateway:eu-west-1:runtime.sagemaker:path/endpoints/a-b/invocations",
            ("eu-west-1", "a-b"),
        ),
        ("arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn", ("us-east-1", "churn")),
        ("arn:aws-cn:sagemaker:cn-north-1:111122223333:endpoint/x", ("cn-north-1", "x")),
        ("arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/churn", None),
        ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations", None),
        ("arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/a/b/invocations", None),
        ("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/churn/invocations", None),
        ("(known after apply)", None),
        (None, None),
        ("arn:aws:sagemaker:us-east-1:1:endpoint/" + "x" * 10_000, None),
    ],
    ids=[
        "runtime-uri",
        "endpoint-arn",
        "china-partition",
        "endpoint-config-arn",
        "lambda-uri",
        "nested-path",
        "https-url",
        "unknown",
        "missing",
        "huge",
    ],
)
def test_sagemaker_target(uri: object, expected: tuple[str | None, str] | None) -> None:
    assert sagemaker_target(uri) == expected
