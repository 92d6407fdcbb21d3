"""Residency policies in the config and the pass that records residency facts on assets."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from stackward.config.schema import ScanConfig
from stackward.dspm.residency import MAX_FLOWS_PER_ASSET, ResidencyPass
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Relation, RelationKind
from stackward.scan.passes import builtin_passes
from tests.conftest import graph_of
from tests.dspm.residency_graphs import (
    EU_ONLY_BY_LAW,
    EU_PERSONAL,
    ai_asset,
    config,
    dataset,
    edge,
    store,
)

PII = {"pii.email": ["crm"]}


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        pytest.param({**EU_PERSONAL, "classes": ["PII.*"]}, "classes", id="upper-case-class"),
        pytest.param({**EU_PERSONAL, "classes": ["pii.*.email"]}, "classes", id="inner-star"),
        pytest.param({**EU_PERSONAL, "classes": ["*"]}, "classes", id="match-all"),
        pytest.param({**EU_PERSONAL, "classes": []}, "classes", id="no-classes"),
        pytest.param({**EU_PERSONAL, "regions": ["EU-*"]}, "regions", id="upper-case-region"),
        pytest.param({**EU_PERSONAL, "regions": ["eu west"]}, "regions", id="space-in-region"),
        pytest.param(
            {"name": "nowhere", "classes": ["pii.*"]}, "give regions", id="allows-nowhere"
        ),
        pytest.param(
            {**EU_PERSONAL, "jurisdictions": ["EUROPE"]}, "unknown jurisdiction", id="bad-law"
        ),
        pytest.param({**EU_PERSONAL, "zones": ["a"]}, "zones", id="unknown-key"),
    ],
)
def test_bad_policies_are_config_errors(policy: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(policy)


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(EU_PERSONAL, id="globs-and-jurisdiction"),
        pytest.param(EU_ONLY_BY_LAW, id="jurisdiction-only"),
        pytest.param(
            {"name": "swiss health", "classes": ["health.*"], "jurisdictions": ["CH"]},
            id="country",
        ),
        pytest.param(
            {"name": "azure eu", "classes": ["pii.email"], "regions": ["westeurope"]},
            id="exact-class-and-region",
        ),
    ],
)
def test_good_policies_load(policy: dict[str, Any]) -> None:
    assert config(policy).data.residency[0].name == policy["name"]


def test_pass_is_registered_last() -> None:
    assert isinstance(builtin_passes()[-1], ResidencyPass)


def _run(graph: InventoryGraph, *policies: dict[str, Any]) -> InventoryGraph:
    assert ResidencyPass().apply(graph, config(*(policies or (EU_PERSONAL,)))) == []
    return graph


@pytest.mark.parametrize(
    ("asset", "extra", "policy", "expected"),
    [
        pytest.param(dataset("d", ["pii.email"], region="us-east-1"), [], EU_PERSONAL,
                     [("eu personal data", "us-east-1", ["pii.email"])], id="us-violates"),
        pytest.param(dataset("d", ["pii.email"], region="eu-west-1"), [], EU_PERSONAL,
                     [], id="eu-glob-allows"),
        pytest.param(dataset("d", ["pii.email"], region="West Europe"), [], EU_PERSONAL,
                     [], id="azure-eu-jurisdiction-allows"),
        pytest.param(dataset("d", ["pii.email"], region="eu-west-2"), [], EU_PERSONAL,
                     [], id="london-allowed-by-glob"),
        pytest.param(dataset("d", ["pii.email"], region="eu-west-2"), [], EU_ONLY_BY_LAW,
                     [("eu by jurisdiction", "eu-west-2", ["pii.email"])],
                     id="london-outside-eu-law"),
        pytest.param(dataset("d", ["pii.email"], region="eu-central-2"), [], EU_ONLY_BY_LAW,
                     [("eu by jurisdiction", "eu-central-2", ["pii.email"])],
                     id="zurich-outside-eu-law"),
        pytest.param(dataset("d", ["secret.aws_access_key"], region="us-east-1"), [],
                     EU_PERSONAL, [], id="class-not-covered"),
        pytest.param(dataset("d", ["pii.email"], store_id="s"), [store("s", "us-west-2")],
                     EU_PERSONAL, [("eu personal data", "us-west-2", ["pii.email"])],
                     id="inherits-store-region"),
        pytest.param(dataset("d", ["pii.email"], store_id="s"), [store("s", "eu-central-1")],
                     EU_PERSONAL, [], id="inherits-allowed-store-region"),
        pytest.param(dataset("d", ["pii.email"], region="eu-west-1", store_id="s"),
                     [store("s", "us-east-1")], EU_PERSONAL, [], id="own-region-beats-store"),
    ],
)  # fmt: skip
def test_at_rest_violations(
    asset: Asset, extra: list[Asset], policy: dict[str, Any], expected: list[Any]
) -> None:
    graph = _run(graph_of([asset, *extra]), policy)
    found = graph["d"].prop("residency_violations", [])
    assert [(v["policy"], v["region"], v["at_rest"]) for v in found] == expected


def test_violation_names_what_is_allowed() -> None:
    graph = _run(graph_of([dataset("d", ["pii.email", "health.diagnosis"], region="us-east-1")]))
    (violation,) = graph["d"].prop("residency_violations")
    assert violation["classes"] == ["health.diagnosis", "pii.email"]
    assert violation["allowed"] == ["eu-*", "europe-*", "EU"]


def test_derived_only_classes_are_covered_but_not_at_rest() -> None:
    model = ai_asset("m", AssetKind.MODEL_ARTIFACT, "us-east-1", derived=PII)
    graph = _run(graph_of([model]))
    (violation,) = graph["m"].prop("residency_violations")
    assert violation["classes"] == ["pii.email"]
    assert violation["at_rest"] == []


@pytest.mark.parametrize(
    ("assets", "relations", "target", "expected"),
    [
        pytest.param(
            [dataset("crm", ["pii.email"], region="eu-west-1"),
             ai_asset("m", AssetKind.MODEL_ARTIFACT, "us-east-1")],
            [edge("m", RelationKind.TRAINED_ON, "crm")], "m",
            [("crm", "eu-west-1", "us-east-1", "TRAINED_ON", ["crm", "m"])],
            id="trained-in-us-on-eu-data",
        ),
        pytest.param(
            [dataset("crm", ["pii.email"], region="eu-west-1"),
             ai_asset("m", AssetKind.MODEL_ARTIFACT, "eu-central-1")],
            [edge("m", RelationKind.TRAINED_ON, "crm")], "m", [],
            id="trained-in-eu-twin",
        ),
        pytest.param(
            [ai_asset("m", AssetKind.MODEL_ARTIFACT, "europe-west4", derived=PII),
             ai_asset("e", AssetKind.MODEL_ENDPOINT, "us-central1")],
            [edge("e", RelationKind.SERVES, "m")], "e",
            [("m", "europe-west4", "us-central1", "SERVES", ["m", "e"])],
            id="eu-model-served-from-us",
        ),
        pytest.param(
            [ai_asset("m", AssetKind.MODEL_ARTIFACT, "europe-west4", derived=PII),
             ai_asset("e", AssetKind.MODEL_ENDPOINT, "europe-west1")],
            [edge("e", RelationKind.SERVES, "m")], "e", [],
            id="eu-model-served-from-eu-twin",
        ),
        pytest.param(
            [ai_asset("art", AssetKind.MODEL_ARTIFACT, "eu-west-1", derived=PII),
             ai_asset("dep", AssetKind.MODEL_ARTIFACT, "us-east-1")],
            [edge("dep", RelationKind.LOADS_MODEL, "art")], "dep",
            [("art", "eu-west-1", "us-east-1", "LOADS_MODEL", ["art", "dep"])],
            id="eu-artifact-deployed-in-us",
        ),
        pytest.param(
            [ai_asset("art", AssetKind.MODEL_ARTIFACT, "eu-west-1", derived=PII),
             ai_asset("dep", AssetKind.MODEL_ARTIFACT, "eu-central-1")],
            [edge("dep", RelationKind.LOADS_MODEL, "art")], "dep", [],
            id="eu-artifact-deployed-in-eu-twin",
        ),
        pytest.param(
            [dataset("raw", ["pii.email"], region="eu-west-1"),
             ai_asset("etl", AssetKind.DATA_JOB, None),
             dataset("out", region="us-east-2")],
            [edge("etl", RelationKind.READS, "raw"), edge("etl", RelationKind.WRITES, "out")],
            "out",
            [("raw", "eu-west-1", "us-east-2", "READS/WRITES", ["raw", "etl", "out"])],
            id="job-copies-to-us",
        ),
        pytest.param(
            [dataset("raw", region="eu-west-1", derived=PII),
             dataset("out", region="us-east-2")],
            [edge("out", RelationKind.DERIVED_FROM, "raw")], "out",
            [("raw", "eu-west-1", "us-east-2", "DERIVED_FROM", ["raw", "out"])],
            id="derived-only-upstream",
        ),
        pytest.param(
            [dataset("raw", ["pii.email"]), dataset("out", region="us-east-2")],
            [edge("out", RelationKind.DERIVED_FROM, "raw")], "out",
            [("raw", None, "us-east-2", "DERIVED_FROM", ["raw", "out"])],
            id="upstream-region-unknown",
        ),
        pytest.param(
            [dataset("raw", ["pii.email"], region="us-east-1"),
             dataset("out", region="us-east-2")],
            [edge("out", RelationKind.DERIVED_FROM, "raw")], "out", [],
            id="already-outside-reported-upstream",
        ),
        pytest.param(
            [dataset("raw", ["secret.github_token"], region="eu-west-1"),
             dataset("out", region="us-east-2")],
            [edge("out", RelationKind.DERIVED_FROM, "raw")], "out", [],
            id="uncovered-class",
        ),
        pytest.param(
            [dataset("raw", ["pii.email"], region="eu-west-1"),
             ai_asset("m", AssetKind.MODEL_ARTIFACT, "us-east-1")],
            [edge("m", RelationKind.REFERENCES, "raw")], "m", [],
            id="not-a-lineage-edge",
        ),
        pytest.param(
            [dataset("raw", ["pii.email"], region="eu-west-1"),
             ai_asset("m", AssetKind.MODEL_ARTIFACT, None)],
            [edge("m", RelationKind.TRAINED_ON, "raw")], "m", [],
            id="downstream-region-unknown",
        ),
    ],
)  # fmt: skip
def test_flows_across_the_boundary(
    assets: list[Asset], relations: list[Relation], target: str, expected: list[Any]
) -> None:
    graph = _run(graph_of(assets, relations))
    flows = graph[target].prop("residency_flows", [])
    assert [(f["from"], f["from_region"], f["region"], f["via"], f["path"]) for f in flows] == (
        expected
    )


@pytest.mark.parametrize(
    ("assets", "target", "region", "policies"),
    [
        pytest.param([dataset("d", ["pii.email"])], "d", None, ["eu personal data"],
                     id="no-region-anywhere"),
        pytest.param([dataset("d", ["pii.email"], store_id="s"), store("s", None)], "d", None,
                     ["eu personal data"], id="store-without-region"),
        pytest.param([dataset("d", ["pii.email"], store_id="gone")], "d", None,
                     ["eu personal data"], id="store-missing"),
        pytest.param([ai_asset("m", AssetKind.MODEL_ARTIFACT, None, derived=PII)], "m", None,
                     ["eu personal data"], id="derived-model-no-region"),
        pytest.param([dataset("d", ["pii.email"], region="eu-west-1")], "d", "eu-west-1",
                     ["eu personal data"], id="known-twin"),
    ],
)  # fmt: skip
def test_coverage_and_region_are_recorded(
    assets: list[Asset], target: str, region: str | None, policies: list[str]
) -> None:
    graph = _run(graph_of(assets))
    assert graph[target].prop("residency_region") == region
    assert graph[target].prop("residency_policies") == policies


@pytest.mark.parametrize(
    "policies",
    [pytest.param((), id="no-policies"), pytest.param((EU_PERSONAL,), id="uncovered-asset")],
)
def test_untouched_without_cover(policies: tuple[dict[str, Any], ...]) -> None:
    graph = graph_of([dataset("d", ["secret.github_token"], region="us-east-1")])
    before = graph["d"]
    assert ResidencyPass().apply(graph, config(*policies)) == []
    assert graph["d"] is before


def test_flows_per_asset_are_bounded() -> None:
    sources = [dataset(f"raw{i}", ["pii.email"], region="eu-west-1") for i in range(80)]
    model = ai_asset("m", AssetKind.MODEL_ARTIFACT, "us-east-1")
    edges = [edge("m", RelationKind.TRAINED_ON, s.id) for s in sources]
    graph = _run(graph_of([*sources, model], edges))
    assert len(graph["m"].prop("residency_flows")) == MAX_FLOWS_PER_ASSET


def test_default_config_has_no_residency() -> None:
    assert ScanConfig().data.residency == []
