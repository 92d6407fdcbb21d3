"""The bundled example stack: every planted weakness is found; the fixed twin is clean."""

from __future__ import annotations

import re
from functools import cache

import pytest

from stackward.config import ScanConfig, load_config
from stackward.model import RelationKind
from stackward.report.data_map import build_data_map
from stackward.scan import ScanResult, run_scan
from tests.conftest import EXAMPLES

VULNERABLE = EXAMPLES / "ai-stack"
FIXED = EXAMPLES / "ai-stack-fixed"
FEATURES = "lineage:dataset/s3://acme-ml-training-data/features/churn"
MODEL = (
    "lineage:model/s3://acme-ml-model-artifacts/churn-xgb/churn-xgb-2026-11-02/output/model.tar.gz"
)
ENDPOINT = "tf:aws_sagemaker_endpoint.churn"
"""The endpoint the plan declares; the describe output of the same endpoint is merged into it."""
_ROW = re.compile(r"^\|\s*(SW-[A-Z0-9-]+)\s*\|\s*`?([^|`]+?)`?\s*\|")


def expected_rows() -> list[tuple[str, str]]:
    text = (VULNERABLE / "EXPECTED.md").read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for line in text.splitlines() if (m := _ROW.match(line))]


@cache
def scan(path: str) -> ScanResult:
    """Scan one example stack with its own ``stackward.yaml`` when it has one."""
    own = EXAMPLES / path / "stackward.yaml"
    config = load_config(own) if own.is_file() else ScanConfig()
    sources = config.sources.model_copy(update={"paths": [EXAMPLES / path]})
    return run_scan(config.model_copy(update={"sources": sources}))


def test_expected_md_lists_planted_weaknesses() -> None:
    rows = expected_rows()
    assert len(rows) >= 30
    assert len(rows) == len(set(rows)), "duplicate rows in EXPECTED.md"


@pytest.mark.parametrize(("rule", "asset"), expected_rows())
def test_planted_weakness_is_reported(rule: str, asset: str) -> None:
    found = {(f.rule_id, f.asset_id) for f in scan("ai-stack").findings}
    assert (rule, asset) in found


def test_every_reported_finding_is_planted() -> None:
    planted = set(expected_rows())
    unexpected = sorted(
        (f.rule_id, f.asset_id)
        for f in scan("ai-stack").findings
        if (f.rule_id, f.asset_id) not in planted
    )
    assert unexpected == []


def test_fixed_twin_has_no_findings() -> None:
    result = scan("ai-stack-fixed")
    assert [(f.rule_id, f.asset_id, f.title) for f in result.findings] == []


def test_example_scans_are_complete_and_have_attack_paths() -> None:
    for name in ("ai-stack", "ai-stack-fixed"):
        assert scan(name).skipped == [], name
    assert scan("ai-stack").attack_paths
    assert len(scan("ai-stack").rules) >= 30
    assert len({meta.layer for meta in scan("ai-stack").rules.values()}) >= 6
    layers_with_findings = {f.layer for f in scan("ai-stack").findings}
    assert len(layers_with_findings) >= 6


def test_data_map_follows_the_customer_extract_out_of_the_eu() -> None:
    """The customer extract's card: where it lives, the features and model built from it,
    the endpoint serving that model (through the deployed model that loads the artifact), and
    where the residency policy broke (us-east-1)."""
    cards = build_data_map(scan("ai-stack"))
    key = (VULNERABLE / "datasets" / "customers.csv").resolve().as_uri()
    [customers] = cards.find(key)
    assert customers.placement.region == "eu-west-1"
    assert customers.placement.violations == ()
    assert {c.name for c in customers.classes} >= {"pii.email", "pii.person_name"}
    downstream = {node.id for node in customers.lineage.downstream}
    assert {FEATURES, MODEL, ENDPOINT} <= downstream
    for asset in (FEATURES, MODEL, ENDPOINT):
        [card] = cards.find(asset)
        assert card.placement.region == "us-east-1", asset
        assert [(v.policy, v.region) for v in card.placement.violations] == [
            ("personal data stays in the EU", "us-east-1")
        ], asset
        sources = {s for c in card.classes if c.name.startswith("pii.") for s in c.derived_from}
        assert sources == {customers.id}, asset
    [features] = cards.find(FEATURES)
    assert "SW-DATA-007" in {f.rule_id for f in features.findings}


def test_fixed_twin_trains_in_the_eu_on_pseudonymised_data() -> None:
    graph = scan("ai-stack-fixed").graph
    endpoint = graph[ENDPOINT]
    assert endpoint.prop("merged_from") == ["sagemaker:eu-west-1/endpoint/churn-scoring"]
    features = graph["lineage:dataset/s3://acme-ml-training-data-eu/features/churn"]
    assert endpoint.region == features.region == "eu-west-1"
    assert "derived_classes" not in endpoint.properties
    assert not [
        a.id for a in graph.assets() if a.region == "us-east-1" and a.id.startswith("sagemaker:")
    ]


@pytest.mark.parametrize(
    ("name", "region", "exposed", "authorizations"),
    [
        ("ai-stack", "us-east-1", True, ["NONE"]),
        ("ai-stack-fixed", "eu-west-1", False, ["AWS_IAM"]),
    ],
    ids=["public-api", "private-api"],
)
def test_churn_api_routes_to_the_one_merged_endpoint(
    name: str, region: str, exposed: bool, authorizations: list[str]
) -> None:
    """The plan's endpoint and the described one are one node; the API routes to it."""
    graph = scan(name).graph
    described = f"sagemaker:{region}/endpoint/churn-scoring"
    assert described not in graph
    endpoint = graph[ENDPOINT]
    assert endpoint.region == region
    assert endpoint.prop("resource_key") == f"aws:sagemaker:{region}:endpoint/churn-scoring"
    assert endpoint.prop("merged_from") == [described]
    assert f"sagemaker:{region}/model/churn-xgb" in {
        m.id for m in graph.successors(ENDPOINT, RelationKind.SERVES)
    }
    api = graph["tf:aws_api_gateway_rest_api.churn"]
    assert api.internet_exposed is exposed
    assert api.prop("authorizations") == authorizations
    assert api.prop("routes_to_endpoints") == ["churn-scoring"]
    assert [r.dst for r in graph.outgoing(api.id, RelationKind.ROUTES_TO)] == [ENDPOINT]
