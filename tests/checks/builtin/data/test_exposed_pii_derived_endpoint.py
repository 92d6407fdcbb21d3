"""SW-DATA-005: an internet-exposed endpoint serving a model trained on personal data.

Graphs are built by hand and run through the propagation pass, as in a scan; the end-to-end
case feeds SageMaker describe fixtures (synthetic: the AWS API cannot be called here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stackward.checks.builtin.data.exposed_pii_derived_endpoint import (
    ExposedPiiDerivedEndpointCheck,
)
from stackward.collectors.base import CollectContext, CollectResult
from stackward.config.schema import ScanConfig
from stackward.graph.inventory import InventoryGraph
from stackward.lineage.propagate import PropagationPass
from stackward.lineage.training import TrainingCollector
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Severity
from stackward.scan.pipeline import run_scan
from tests.conftest import findings_of, graph_of

R = RelationKind
DATA = "data:postgresql (from $PG)::crm.customers"
RUN = "mlflow:run/r1"
ARTIFACT = "model:s3://models/churn/model.tar.gz"
DEPLOYED = "sagemaker:eu-west-1/model/churn"
ENDPOINT = "sagemaker:eu-west-1/endpoint/churn-prod"


def _asset(
    asset_id: str, kind: AssetKind, props: dict[str, Any] | None = None, exposed: bool = False
) -> Asset:
    return Asset(
        asset_id,
        kind,
        Layer.CORE_AI,
        asset_id.rsplit("/", 1)[-1],
        f"src/{asset_id}",
        props or {},
        internet_exposed=exposed,
    )


def _graph(classes: list[str], exposure: str, serving: str = "via-deployed") -> InventoryGraph:
    data_props = {
        "data_classes": {c: {"count": 5, "confidence": 0.95, "fields": ["f"]} for c in classes}
    }
    assets = [
        _asset(DATA, AssetKind.DATASET, data_props if classes else {}),
        _asset(RUN, AssetKind.TRAINING_JOB),
        _asset(ARTIFACT, AssetKind.MODEL_ARTIFACT),
        _asset(DEPLOYED, AssetKind.MODEL_ARTIFACT),
        _asset(ENDPOINT, AssetKind.MODEL_ENDPOINT, exposed=exposure == "self"),
    ]
    relations = [
        Relation(RUN, DATA, R.READS),
        Relation(RUN, ARTIFACT, R.WRITES),
        Relation(ARTIFACT, DATA, R.TRAINED_ON, {"run": RUN}),
    ]
    if serving == "via-deployed":
        relations += [
            Relation(DEPLOYED, ARTIFACT, R.LOADS_MODEL),
            Relation(ENDPOINT, DEPLOYED, R.SERVES),
        ]
    elif serving == "direct":
        relations.append(Relation(ENDPOINT, ARTIFACT, R.SERVES))
    if exposure == "gateway":
        assets.append(
            _asset("tf:aws_api_gateway_rest_api.public", AssetKind.AI_SERVICE, exposed=True)
        )
        assets.append(_asset("tf:aws_api_gateway_integration.churn", AssetKind.CLOUD_RESOURCE))
        relations += [
            Relation(
                "tf:aws_api_gateway_rest_api.public",
                "tf:aws_api_gateway_integration.churn",
                R.ROUTES_TO,
            ),
            Relation("tf:aws_api_gateway_integration.churn", ENDPOINT, R.ROUTES_TO),
        ]
    elif exposure == "internet-node":
        assets.append(
            Asset("net:internet", AssetKind.INTERNET, Layer.INFRASTRUCTURE, "Internet", "t")
        )
        relations.append(Relation("net:internet", ENDPOINT, R.EXPOSED_TO))
    elif exposure == "private-route":
        assets.append(_asset("tf:aws_vpc_endpoint.internal", AssetKind.CLOUD_RESOURCE))
        relations.append(Relation("tf:aws_vpc_endpoint.internal", ENDPOINT, R.ROUTES_TO))
    graph = graph_of(assets, relations)
    assert PropagationPass().apply(graph, ScanConfig()) == []
    return graph


@pytest.mark.parametrize(
    ("classes", "exposure", "serving", "expected"),
    [
        pytest.param(["pii.email"], "self", "via-deployed", [Severity.HIGH], id="exposed-email"),
        pytest.param(["pii.email"], "gateway", "via-deployed", [Severity.HIGH], id="via-gateway"),
        pytest.param(["pii.phone"], "internet-node", "direct", [Severity.HIGH], id="internet-node"),
        pytest.param(
            ["pii.national_id.us_ssn"], "self", "direct", [Severity.CRITICAL], id="ssn-critical"
        ),
        pytest.param(["pii.payment_card"], "self", "via-deployed", [Severity.CRITICAL], id="card"),
        pytest.param(["pii.health.diagnosis"], "self", "direct", [Severity.CRITICAL], id="health"),
        pytest.param(
            ["pii.email", "secret.aws_access_key"], "self", "direct", [Severity.HIGH], id="mixed"
        ),
        pytest.param(["pii.email"], "none", "via-deployed", [], id="not-exposed"),
        pytest.param(["pii.email"], "private-route", "via-deployed", [], id="private-route"),
        pytest.param([], "self", "via-deployed", [], id="non-sensitive-training-data"),
        pytest.param(["secret.aws_access_key"], "self", "direct", [], id="secret-only-not-pii"),
        pytest.param(["pii.email"], "self", "none", [], id="endpoint-serves-nothing"),
    ],
)
def test_exposed_pii_derived_endpoint(
    classes: list[str], exposure: str, serving: str, expected: list[Severity]
) -> None:
    findings = findings_of(ExposedPiiDerivedEndpointCheck, _graph(classes, exposure, serving))
    assert [f.severity for f in findings] == expected
    assert all(f.rule_id == "SW-DATA-005" and f.asset_id == ENDPOINT for f in findings)


def test_secret_only_training_data_is_still_marked_derived() -> None:
    graph = _graph(["secret.aws_access_key"], "self", "direct")
    model = graph[ARTIFACT]
    assert model.prop("derived_classes") == {"secret.aws_access_key": [DATA]}
    assert model.prop("pii_derived") is None


def test_evidence_is_the_chain_from_data_to_endpoint() -> None:
    (finding,) = findings_of(ExposedPiiDerivedEndpointCheck, _graph(["pii.email"], "gateway"))
    assert (
        finding.evidence.snippet
        == f"pii.email: {DATA} -> {RUN} -> {ARTIFACT} -> {DEPLOYED} -> {ENDPOINT}"
    )
    assert finding.evidence.key == DEPLOYED
    assert (
        "tf:aws_api_gateway_rest_api.public -> tf:aws_api_gateway_integration.churn"
        in finding.title
    )
    assert {str(r) for r in finding.refs} >= {
        "MITRE ATLAS AML.T0057",
        "MITRE ATLAS AML.T0024",
        "MITRE ATLAS AML.M0025",
        "OWASP LLM Top 10 LLM02",
    }


class _Classified:
    """Stands for the data collector: a classified S3 prefix, named by its dataset key; the
    lineage link pass merges the training run's input into it."""

    name = "classified"

    def collect(self, ctx: CollectContext) -> CollectResult:
        data = Asset(
            "data:s3://acme-crm-exports/customers::train",
            AssetKind.DATASET,
            Layer.DATA_FOUNDATION,
            "train",
            "s3://acme-crm-exports/customers/train",
            {
                "data_classes": {
                    "pii.email": {"count": 40, "confidence": 0.99, "fields": ["email"]}
                },
                "dataset_key": "s3://acme-crm-exports/customers/train",
            },
        )
        gateway = Asset(
            "tf:aws_api_gateway_rest_api.churn",
            AssetKind.AI_SERVICE,
            Layer.INFRASTRUCTURE,
            "churn-api",
            "main.tf",
            internet_exposed=True,
        )
        route = Relation(gateway.id, "sagemaker:eu-west-1/endpoint/churn-prod", R.ROUTES_TO)
        return CollectResult(assets=[data, gateway], relations=[route])


def test_scan_of_sagemaker_describe_files_reports_the_endpoint(tmp_path: Path) -> None:
    fixtures = Path(__file__).parents[3] / "lineage" / "training" / "fixtures" / "sagemaker"
    config = ScanConfig.model_validate(
        {
            "store": {"path": str(tmp_path / "s.db")},
            "lineage": {"training": {"paths": [str(fixtures)]}},
        }
    )
    result = run_scan(
        config,
        collectors=[TrainingCollector(), _Classified()],
        checks=[ExposedPiiDerivedEndpointCheck()],
    )
    (finding,) = result.findings
    assert finding.asset_id == "sagemaker:eu-west-1/endpoint/churn-prod"
    assert finding.severity is Severity.HIGH
    assert "training-job/churn-train-2026-11-01" in finding.evidence.snippet
    assert result.graph["sagemaker:eu-west-1/model/churn-xgb"].prop("pii_derived") is True
