"""SW-DATA-006/007/008 on inventories the residency pass has seen."""

from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.base import Check
from stackward.checks.builtin.data.residency_at_rest import DataOutsideAllowedRegionCheck
from stackward.checks.builtin.data.residency_flow import ResidencyBoundaryFlowCheck
from stackward.checks.builtin.data.residency_region_unknown import ResidencyRegionUnknownCheck
from stackward.dspm.residency import ResidencyPass
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Finding, Relation, RelationKind, Severity
from tests.conftest import findings_of, graph_of
from tests.dspm.residency_graphs import EU_PERSONAL, ai_asset, config, dataset, edge, store

CHECKS: list[type[Check]] = [
    DataOutsideAllowedRegionCheck,
    ResidencyBoundaryFlowCheck,
    ResidencyRegionUnknownCheck,
]
PII = {"pii.email": ["crm"]}


def _findings(
    assets: list[Asset],
    relations: tuple[Relation, ...] | list[Relation] = (),
    policies: tuple[dict[str, Any], ...] = (EU_PERSONAL,),
) -> list[Finding]:
    graph: InventoryGraph = graph_of(assets, relations)
    assert ResidencyPass().apply(graph, config(*policies)) == []
    return [f for check in CHECKS for f in findings_of(check, graph)]


def _rules(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.asset_id) for f in findings)


@pytest.mark.parametrize(
    ("assets", "relations", "expected"),
    [
        pytest.param([dataset("crm", ["pii.email"], region="us-east-1")], [],
                     [("SW-DATA-006", "crm")], id="at-rest-in-us"),
        pytest.param([dataset("crm", ["pii.email"], region="eu-west-1")], [], [],
                     id="at-rest-in-eu-twin"),
        pytest.param([dataset("crm", ["pii.email"], store_id="s"), store("s", "us-east-1")], [],
                     [("SW-DATA-006", "crm")], id="at-rest-store-in-us"),
        pytest.param([dataset("crm", ["secret.github_token"], region="us-east-1")], [], [],
                     id="uncovered-class"),
        pytest.param(
            [dataset("crm", ["pii.email"], region="eu-west-1"),
             ai_asset("m", AssetKind.MODEL_ARTIFACT, "us-east-1", derived=PII)],
            [edge("m", RelationKind.TRAINED_ON, "crm")],
            [("SW-DATA-007", "m")], id="eu-data-trains-us-model",
        ),
        pytest.param(
            [dataset("crm", ["pii.email"], region="eu-west-1"),
             ai_asset("m", AssetKind.MODEL_ARTIFACT, "eu-west-1", derived=PII),
             ai_asset("e", AssetKind.MODEL_ENDPOINT, "us-west-2", derived=PII)],
            [edge("m", RelationKind.TRAINED_ON, "crm"), edge("e", RelationKind.SERVES, "m")],
            [("SW-DATA-007", "e")], id="eu-model-served-from-us",
        ),
        pytest.param(
            [dataset("crm", ["pii.email"], region="eu-west-1"),
             ai_asset("m", AssetKind.MODEL_ARTIFACT, "eu-west-1", derived=PII),
             ai_asset("e", AssetKind.MODEL_ENDPOINT, "eu-central-1", derived=PII)],
            [edge("m", RelationKind.TRAINED_ON, "crm"), edge("e", RelationKind.SERVES, "m")],
            [], id="all-in-eu-twin",
        ),
        pytest.param(
            [dataset("raw", region="eu-west-1", derived=PII),
             dataset("features", region="us-east-1", derived=PII)],
            [edge("features", RelationKind.DERIVED_FROM, "raw")],
            [("SW-DATA-007", "features")], id="derived-only-no-at-rest-finding",
        ),
        pytest.param([dataset("crm", ["pii.email"])], [],
                     [("SW-DATA-008", "crm")], id="region-unknown"),
        pytest.param([ai_asset("m", AssetKind.MODEL_ARTIFACT, None, derived=PII)], [],
                     [("SW-DATA-008", "m")], id="derived-model-region-unknown"),
        pytest.param([store("s", None)], [], [], id="store-not-reported"),
    ],
)  # fmt: skip
def test_residency_findings(
    assets: list[Asset], relations: list[Relation], expected: list[tuple[str, str]]
) -> None:
    assert _rules(_findings(assets, relations)) == expected


def test_nothing_without_a_policy() -> None:
    assets = [dataset("crm", ["pii.email"]), dataset("us", ["pii.email"], region="us-east-1")]
    assert _findings(assets, policies=()) == []


def test_severities() -> None:
    findings = _findings(
        [
            dataset("us", ["pii.email"], region="us-east-1"),
            dataset("eu", ["pii.email"], region="eu-west-1"),
            dataset("nowhere", ["pii.email"]),
            dataset("copy", region="us-east-2"),
        ],
        [edge("copy", RelationKind.DERIVED_FROM, "eu")],
    )
    assert {f.rule_id: f.severity for f in findings} == {
        "SW-DATA-006": Severity.HIGH,
        "SW-DATA-007": Severity.HIGH,
        "SW-DATA-008": Severity.LOW,
    }


def test_at_rest_evidence_names_classes_region_and_policy() -> None:
    (finding,) = _findings([dataset("crm", ["pii.email", "health.diagnosis"], region="us-east-1")])
    assert (
        finding.evidence.snippet
        == "health.diagnosis, pii.email in us-east-1; allowed: eu-*, europe-*, EU"
    )
    assert finding.evidence.location == "s3://lake/crm"
    assert "eu personal data" in finding.title


def test_flow_evidence_names_both_regions_and_the_path() -> None:
    findings = _findings(
        [
            dataset("raw", ["pii.email"], region="eu-west-1"),
            ai_asset("etl", AssetKind.DATA_JOB, None),
            dataset("out", region="us-east-2"),
        ],
        [edge("etl", RelationKind.READS, "raw"), edge("etl", RelationKind.WRITES, "out")],
    )
    (flow,) = [f for f in findings if f.rule_id == "SW-DATA-007"]
    assert flow.evidence.snippet == "eu-west-1 -> us-east-2: raw -> etl -> out (pii.email)"
    assert "READS/WRITES" in flow.title


@pytest.mark.parametrize(
    ("properties", "check"),
    [
        pytest.param({"residency_violations": "nope"}, DataOutsideAllowedRegionCheck, id="006-str"),
        pytest.param({"residency_violations": [1, None]}, DataOutsideAllowedRegionCheck, id="006-items"),
        pytest.param({"residency_flows": {"a": 1}}, ResidencyBoundaryFlowCheck, id="007-dict"),
        pytest.param({"residency_flows": ["x"]}, ResidencyBoundaryFlowCheck, id="007-items"),
        pytest.param({"residency_policies": "p", "residency_region": None},
                     ResidencyRegionUnknownCheck, id="008-str"),
        pytest.param({"residency_policies": ["p"]}, ResidencyRegionUnknownCheck, id="008-no-region-key"),
    ],
)  # fmt: skip
def test_malformed_properties_yield_nothing(properties: dict[str, Any], check: type[Check]) -> None:
    asset = Asset(
        id="d",
        kind=AssetKind.DATASET,
        layer=dataset("x").layer,
        name="d",
        source="s",
        properties=properties,
    )
    assert findings_of(check, graph_of([asset])) == []
