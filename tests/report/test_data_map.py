"""build_data_map on hand-built graphs: the four answers, region, and facts nobody produced."""

from __future__ import annotations

import pytest

from stackward.model import AssetKind, RelationKind
from stackward.report.data_lineage import FlowEdge
from stackward.report.data_map import DataAssetCard, DataMap, build_data_map, is_data_asset
from tests.report.data_map_graphs import (
    ALICE,
    ANON,
    APP,
    BUCKET,
    CLEAN,
    ENDPOINT,
    ETL_ROLE,
    JOB,
    MODEL,
    PUBLIC,
    RAW,
    REPORTING,
    RUN,
    STORE,
    TABLE,
    TRAINER,
    access_assets,
    can_access,
    chain_scan,
    data_asset,
    full_scan,
    principal,
    rel,
    scan_of,
)


@pytest.fixture(scope="module")
def data_map() -> DataMap:
    return build_data_map(full_scan())


def card(data_map: DataMap, asset_id: str) -> DataAssetCard:
    (found,) = [c for c in data_map.assets if c.id == asset_id]
    return found


def test_every_data_asset_has_a_card_and_nothing_else(data_map: DataMap) -> None:
    ids = [c.id for c in data_map.assets]
    assert ids == sorted([STORE, TABLE, BUCKET, RAW, CLEAN, MODEL, ENDPOINT])
    assert JOB not in ids and RUN not in ids and APP not in ids


@pytest.mark.parametrize(
    ("kind", "props", "expected"),
    [
        (AssetKind.DATASET, {}, True),
        (AssetKind.OBJECT_BUCKET, {}, True),
        (AssetKind.DATA_STORE, {}, True),
        (AssetKind.MODEL_ARTIFACT, {"derived_classes": {"pii.email": ["x"]}}, True),
        (AssetKind.MODEL_ARTIFACT, {"derived_classes": {}}, True),
        (AssetKind.MODEL_ARTIFACT, {}, False),
        (AssetKind.K8S_PVC, {"data_classes": {"pii.email": {"count": 1}}}, True),
        (AssetKind.MODEL_ENDPOINT, {}, False),
        (AssetKind.DATA_JOB, {}, False),
    ],
    ids=[
        "dataset",
        "bucket",
        "store",
        "pii-model",
        "model-derived-empty",
        "model-unclassified",
        "classified-pvc",
        "plain-endpoint",
        "job",
    ],
)
def test_what_counts_as_a_data_asset(
    kind: AssetKind, props: dict[str, object], expected: bool
) -> None:
    assert is_data_asset(data_asset("x", "x", kind, **props)) is expected


def test_access_from_three_sources_is_grouped(data_map: DataMap) -> None:
    access = card(data_map, BUCKET).access
    assert access.status == "analysed"
    assert access.sources == ("aws-iam", "kubernetes-rbac", "s3-policy")
    assert {g.principal: g.group for g in access.grants} == {
        ANON: "everyone",
        TRAINER: "services",
        ETL_ROLE: "services",
        ALICE: "humans",
    }
    assert dict(access.counts) == {
        "everyone": 1,
        "humans": 1,
        "services": 2,
        "unclassified": 0,
        "total": 4,
    }
    assert access.everyone
    etl = next(g for g in access.grants if g.principal == ETL_ROLE)
    assert etl.access == ("read", "write")
    assert etl.privileges == ("s3:GetObject", "s3:PutObject")
    assert etl.via == ("etl", "grant to etl")


def test_everyone_principal_on_a_table(data_map: DataMap) -> None:
    access = card(data_map, TABLE).access
    assert access.everyone
    assert [g.principal for g in access.grants if g.everyone] == [PUBLIC]
    assert access.counts["unclassified"] == 2  # database roles do not say human or service


def test_locked_down_twin_is_analysed_with_nobody() -> None:
    """A table whose access was read and nobody holds a grant: analysed, zero principals."""
    scan = scan_of([data_asset("ds:t", "t", readers=[], public_access=False)], [])
    access = build_data_map(scan).assets[0].access
    assert access.status == "analysed"
    assert access.grants == () and access.counts["total"] == 0 and not access.everyone


def test_usage_and_principals_with_unused_access(data_map: DataMap) -> None:
    usage = card(data_map, TABLE).usage
    assert usage.status == "analysed"
    assert [(r.principal, r.reads, r.writes) for r in usage.records] == [(APP, 12, 3)]
    assert usage.records[0].name == "app_login"
    assert (usage.window_start, usage.window_end) == (
        "2026-11-01T00:00:00Z",
        "2026-11-20T00:00:00Z",
    )
    assert usage.logs == ("/var/log/postgresql/postgresql.log",)
    assert usage.unused == tuple(sorted((PUBLIC, REPORTING)))


def test_usage_without_any_use_lists_every_principal_as_unused() -> None:
    assets, relations = access_assets()
    table = next(a for a in assets if a.id == TABLE)
    emptied = [a for a in assets if a.id != TABLE]
    scan = scan_of([*emptied, data_asset(TABLE, table.name, usage=[])], relations)
    usage = card(build_data_map(scan), TABLE).usage
    assert usage.status == "analysed" and usage.records == ()
    assert usage.unused == tuple(sorted((APP, PUBLIC, REPORTING)))


@pytest.mark.parametrize(
    ("asset_id", "upstream", "downstream", "jobs"),
    [
        (RAW, [], [CLEAN, MODEL, ENDPOINT], [JOB, RUN]),
        (CLEAN, [RAW], [MODEL, ENDPOINT], [JOB, RUN]),
        (MODEL, [CLEAN, RAW], [ENDPOINT], [RUN, JOB]),
        (ENDPOINT, [MODEL, CLEAN, RAW], [], [RUN, JOB]),
    ],
    ids=["raw", "clean", "model", "endpoint"],
)
def test_upstream_and_downstream_through_job_and_training_run(
    data_map: DataMap,
    asset_id: str,
    upstream: list[str],
    downstream: list[str],
    jobs: list[str],
) -> None:
    lineage = card(data_map, asset_id).lineage
    assert lineage.status == "analysed"
    assert [n.id for n in lineage.upstream] == upstream
    assert [n.id for n in lineage.downstream] == downstream
    assert [n.id for n in lineage.jobs] == jobs
    assert not lineage.truncated


def test_lineage_edges_point_the_way_data_flows(data_map: DataMap) -> None:
    edges = set(card(data_map, RAW).lineage.edges)
    assert FlowEdge(RAW, JOB, "READS") in edges
    assert FlowEdge(JOB, CLEAN, "WRITES") in edges
    assert FlowEdge(RAW, CLEAN, "DERIVED_FROM") in edges
    assert FlowEdge(MODEL, ENDPOINT, "SERVES") in edges


def test_depth_limit_cuts_and_says_so() -> None:
    lineage = card(build_data_map(full_scan(), depth=1), RAW).lineage
    assert [n.id for n in lineage.downstream] == [CLEAN]
    assert lineage.truncated


def test_a_producing_job_with_no_known_input_is_upstream() -> None:
    scan = scan_of(
        [data_asset("ds:out", "out"), data_asset("job:j", "j", AssetKind.DATA_JOB)],
        [rel("job:j", "ds:out", RelationKind.WRITES)],
    )
    lineage = card(build_data_map(scan), "ds:out").lineage
    assert lineage.upstream == () and [n.id for n in lineage.jobs] == ["job:j"]


def test_cyclic_lineage_terminates() -> None:
    scan = scan_of(
        [data_asset("ds:a", "a"), data_asset("ds:b", "b")],
        [
            rel("ds:a", "ds:b", RelationKind.DERIVED_FROM),
            rel("ds:b", "ds:a", RelationKind.DERIVED_FROM),
        ],
    )
    lineage = card(build_data_map(scan), "ds:a").lineage
    assert [n.id for n in lineage.upstream] == ["ds:b"]
    assert [n.id for n in lineage.downstream] == ["ds:b"]


def test_long_chain_is_bounded_by_depth() -> None:
    lineage = card(build_data_map(chain_scan(300), depth=4), "ds:000").lineage
    assert len(lineage.downstream) == 4 and lineage.truncated


def test_classes_own_and_derived_with_sources(data_map: DataMap) -> None:
    (raw_class,) = card(data_map, RAW).classes
    assert (raw_class.own, raw_class.count, raw_class.derived_from) == (True, 5, ())
    (model_class,) = card(data_map, MODEL).classes
    assert (model_class.name, model_class.own, model_class.derived_from) == (
        "pii.email",
        False,
        (RAW,),
    )


def test_region_from_the_store_and_residency_violation(data_map: DataMap) -> None:
    placement = card(data_map, TABLE).placement
    assert (placement.region, placement.region_from) == ("us-east-1", STORE)
    assert placement.residency == "analysed"
    (violation,) = placement.violations
    assert violation.policy == "customer data stays in the EU"
    assert violation.allowed == ("eu-central-1", "eu-west-1")


def test_region_of_its_own_and_no_violation(data_map: DataMap) -> None:
    placement = card(data_map, BUCKET).placement
    assert (placement.region, placement.region_from) == ("eu-west-1", BUCKET)
    assert placement.residency == "analysed" and placement.violations == ()


def test_findings_on_the_asset(data_map: DataMap) -> None:
    assert [(f.rule_id, f.severity) for f in card(data_map, TABLE).findings] == [
        ("SW-DATA-003", "high")
    ]
    assert card(data_map, BUCKET).findings == ()


def test_absent_facts_are_not_analysed_not_empty() -> None:
    """A bucket nobody analysed: no access edges, no usage, no lineage, no region."""
    bare = build_data_map(scan_of([data_asset("b", "b", AssetKind.OBJECT_BUCKET)], [])).assets[0]
    assert bare.classification == "not_analysed"
    assert bare.access.status == "not_analysed"
    assert bare.usage.status == "not_analysed"
    assert bare.lineage.status == "not_analysed"
    assert bare.placement.residency == "not_analysed"
    assert bare.placement.region is None


def test_malformed_facts_do_not_break_the_map() -> None:
    """Wrong types from a buggy producer are ignored field by field, never a traceback."""
    odd = data_asset(
        "ds:odd",
        "odd",
        data_classes=["pii.email"],
        derived_classes="pii.email",
        usage=[{"principal": 7}, "x", {"principal": APP, "reads": "many", "writes": True}],
        usage_window=[],
        residency_violations=[{"classes": "pii.email"}, 3],
        dataset_key=5,
    )
    scan = scan_of(
        [odd, principal(APP, "app_login", "database_role")],
        [can_access(APP, "ds:odd", "postgresql", ["read"], "SELECT")],
    )
    got = build_data_map(scan).assets[0]
    assert got.classes == () and got.dataset_key is None
    assert [(r.principal, r.reads, r.writes) for r in got.usage.records] == [(APP, 0, 0)]
    assert [v.classes for v in got.placement.violations] == [("pii.email",)]


def test_find_by_id_key_or_unique_name(data_map: DataMap) -> None:
    assert [c.id for c in data_map.find(TABLE)] == [TABLE]
    assert [c.id for c in data_map.find("s3://lake/clean/events")] == [CLEAN]
    assert [c.id for c in data_map.find("churn-api")] == [ENDPOINT]
    assert data_map.find("nothing-like-it") == []
