"""One node per SageMaker endpoint: the described endpoint merged into the declared one."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.config.schema import ScanConfig
from stackward.graph.inventory import InventoryGraph
from stackward.lineage.resource_merge import ResourceMergePass, sagemaker_endpoint_key
from stackward.lineage.training import TrainingLineage, read_training_paths
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind
from stackward.scan.passes import builtin_passes
from tests.conftest import graph_of

DECLARED = "tf:aws_sagemaker_endpoint.churn"
DESCRIBED = "sagemaker:us-east-1/endpoint/churn-scoring"
API = "tf:aws_api_gateway_rest_api.churn"
TF_MODEL = "tf:aws_sagemaker_model.churn"
MODEL = "sagemaker:us-east-1/model/churn-xgb"
DESCRIBE_FIXTURES = Path(__file__).parent / "training" / "fixtures" / "sagemaker"


def _endpoint(asset_id: str, region: str | None, name: str, **props: object) -> Asset:
    return Asset(
        asset_id, AssetKind.MODEL_ENDPOINT, Layer.CORE_AI, name, asset_id.split(":")[0],
        properties={"resource_key": sagemaker_endpoint_key(region, name), **props},
        region=region,
    )  # fmt: skip


def _graph(described: Asset) -> InventoryGraph:
    declared = _endpoint(DECLARED, "us-east-1", "churn-scoring", service="sagemaker")
    return graph_of(
        [
            declared,
            described,
            Asset(API, AssetKind.CLOUD_RESOURCE, Layer.INFRASTRUCTURE, "churn-api", "tf"),
            Asset(TF_MODEL, AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, "churn-xgb", "tf"),
            Asset(MODEL, AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, "churn-xgb", "training"),
        ],
        [
            Relation(API, DECLARED, RelationKind.ROUTES_TO),
            Relation(DECLARED, TF_MODEL, RelationKind.SERVES),
            Relation(described.id, MODEL, RelationKind.SERVES, {"via": "churn-xgb-v1"}),
            Relation(described.id, DECLARED, RelationKind.REFERENCES),
            Relation(DECLARED, described.id, RelationKind.REFERENCES),
        ],
    )


def _edges(graph: InventoryGraph) -> set[tuple[str, RelationKind, str]]:
    return {(r.src, r.kind, r.dst) for r in graph.relations()}


@pytest.mark.parametrize(
    "described",
    [
        _endpoint(DESCRIBED, "us-east-1", "churn-scoring", status="InService", service="x"),
        _endpoint("sagemaker:us-east-1/endpoint/Churn-Scoring", "us-east-1", "Churn-Scoring", status="InService", service="x"),
    ],
    ids=["same-name", "name-differs-in-case"],
)  # fmt: skip
def test_described_endpoint_is_merged_into_the_declared_one(described: Asset) -> None:
    graph = _graph(described)
    assert ResourceMergePass().apply(graph, ScanConfig()) == []
    assert described.id not in graph
    assert _edges(graph) == {
        (API, RelationKind.ROUTES_TO, DECLARED),
        (DECLARED, RelationKind.SERVES, TF_MODEL),
        (DECLARED, RelationKind.SERVES, MODEL),
    }, "edges moved, loops between the two nodes dropped"
    [moved] = [r for r in graph.outgoing(DECLARED) if r.dst == MODEL]
    assert moved.properties == {"via": "churn-xgb-v1"}
    merged = graph[DECLARED]
    assert merged.prop("service") == "sagemaker", "the declared value wins"
    assert merged.prop("status") == "InService", "what only the description knows is added"
    assert merged.prop("merged_from") == [described.id]
    assert merged.source == "tf"


@pytest.mark.parametrize(
    "described",
    [
        _endpoint("sagemaker:eu-west-1/endpoint/churn-scoring", "eu-west-1", "churn-scoring"),
        _endpoint("sagemaker:us-east-1/endpoint/churn-scoring-v2", "us-east-1", "churn-scoring-v2"),
        _endpoint("sagemaker:unknown-region/endpoint/churn-scoring", None, "churn-scoring"),
        Asset(DESCRIBED, AssetKind.MODEL_ENDPOINT, Layer.CORE_AI, "churn-scoring", "training"),
    ],
    ids=["other-region", "other-name", "region-unknown", "no-resource-key"],
)  # fmt: skip
def test_different_endpoints_stay_apart(described: Asset) -> None:
    graph = _graph(described)
    before = _edges(graph)
    ResourceMergePass().apply(graph, ScanConfig())
    assert described.id in graph
    assert _edges(graph) == before
    assert graph[DECLARED].prop("merged_from") is None


def test_two_described_endpoints_without_declaration_stay_apart() -> None:
    one = _endpoint(DESCRIBED, "us-east-1", "churn-scoring")
    two = _endpoint("mlflow:churn-scoring", "us-east-1", "churn-scoring")
    graph = graph_of([one, two])
    ResourceMergePass().apply(graph, ScanConfig())
    assert {a.id for a in graph.assets()} == {one.id, two.id}


def test_missing_region_is_filled_from_the_description() -> None:
    declared = Asset(
        DECLARED, AssetKind.MODEL_ENDPOINT, Layer.CORE_AI, "churn-scoring", "tf",
        properties={"resource_key": "aws:sagemaker:us-east-1:endpoint/churn-scoring"},
    )  # fmt: skip
    described = _endpoint(DESCRIBED, "us-east-1", "churn-scoring")
    graph = graph_of([declared, described])
    ResourceMergePass().apply(graph, ScanConfig())
    assert graph[DECLARED].region == "us-east-1"


@pytest.mark.parametrize(
    ("region", "name", "key"),
    [
        ("us-east-1", "churn-scoring", "aws:sagemaker:us-east-1:endpoint/churn-scoring"),
        ("us-east-1", "Churn-Scoring", "aws:sagemaker:us-east-1:endpoint/churn-scoring"),
        (None, "churn-scoring", None),
        ("us-east-1", None, None),
        ("us-east-1", "", None),
        ("us-east-1", "(known after apply)", None),
    ],
    ids=["plain", "lower-cased", "no-region", "no-name", "empty-name", "unknown-name"],
)
def test_sagemaker_endpoint_key(region: str | None, name: str | None, key: str | None) -> None:
    assert sagemaker_endpoint_key(region, name) == key


def test_describe_output_carries_the_resource_key() -> None:
    lineage = TrainingLineage()
    read_training_paths([DESCRIBE_FIXTURES], lineage, 4 * 1024 * 1024)
    endpoint = lineage.assets["sagemaker:eu-west-1/endpoint/churn-prod"]
    assert endpoint.prop("resource_key") == "aws:sagemaker:eu-west-1:endpoint/churn-prod"


def test_merge_runs_right_after_lineage_linking() -> None:
    names = [p.name for p in builtin_passes()]
    assert names.index("resource-merge") == names.index("lineage-link") + 1
