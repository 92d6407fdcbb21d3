"""The link pass: lineage datasets merged into the classified assets holding the same data."""

from __future__ import annotations

import pytest

from stackward.config.schema import ScanConfig
from stackward.graph.inventory import InventoryGraph
from stackward.lineage.link import LineageLinkPass
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind
from stackward.scan.passes import builtin_passes
from tests.conftest import graph_of

JOB = "lineage:job/etl/load"


def _classified(asset_id: str, key: str, kind: AssetKind = AssetKind.DATASET) -> Asset:
    return Asset(
        asset_id, kind, Layer.DATA_FOUNDATION, asset_id, "data",
        properties={"dataset_key": key, "data_classes": {"pii.email": {"count": 3}}},
        sensitive=True,
    )  # fmt: skip


def _lineage(key: str) -> Asset:
    return Asset(
        f"lineage:dataset/{key}", AssetKind.DATASET, Layer.DATA_FOUNDATION, key, "lineage",
        properties={"dataset_key": key, "lineage": True},
    )  # fmt: skip


def _graph(read_key: str, classified: list[Asset]) -> InventoryGraph:
    out = "s3://warehouse/clean/out"
    job = Asset(JOB, AssetKind.DATA_JOB, Layer.DATA_ENGINEERING, "load", "lineage")
    return graph_of(
        [*classified, _lineage(read_key), _lineage(out), job],
        [
            Relation(JOB, f"lineage:dataset/{read_key}", RelationKind.READS),
            Relation(JOB, f"lineage:dataset/{out}", RelationKind.WRITES),
            Relation(
                f"lineage:dataset/{out}",
                f"lineage:dataset/{read_key}",
                RelationKind.DERIVED_FROM,
                {"job": JOB},
            ),
        ],
    )


def _edges(graph: InventoryGraph) -> set[tuple[str, RelationKind, str]]:
    return {(r.src, r.kind, r.dst) for r in graph.relations()}


@pytest.mark.parametrize(
    ("read_key", "classified", "merged_into"),
    [
        ("s3://lake/raw/customers.csv", [_classified("data:s3://lake::raw/customers.csv", "s3://lake/raw/customers.csv")], "data:s3://lake::raw/customers.csv"),
        ("postgresql://db:5432/crm/public.customers", [_classified("data:pg::public.customers", "postgresql://db:5432/crm/public.customers")], "data:pg::public.customers"),
        ("s3://lake/raw/part-1.parquet", [_classified("data:s3://lake/raw", "s3://lake/raw", AssetKind.DATA_STORE)], "data:s3://lake/raw"),
        ("s3://lake/raw/part-1.parquet", [_classified("data:s3://lake", "s3://lake", AssetKind.DATA_STORE), _classified("data:s3://lake/raw", "s3://lake/raw", AssetKind.DATA_STORE)], "data:s3://lake/raw"),
        ("file:///data/lake/in.csv", [_classified("data:/data/lake", "file:///data/lake", AssetKind.DATA_STORE)], "data:/data/lake"),
        ("file:///data/in.csv", [_classified("data:/data/in.csv", "file:///data/in.csv", AssetKind.DATA_STORE), _classified("data:/data/in.csv::in.csv", "file:///data/in.csv")], "data:/data/in.csv::in.csv"),
    ],
    ids=["exact-s3-object", "exact-postgres-table", "under-s3-prefix", "deepest-prefix", "in-file-directory", "dataset-before-store"],
)  # fmt: skip
def test_lineage_dataset_is_merged(
    read_key: str, classified: list[Asset], merged_into: str
) -> None:
    graph = _graph(read_key, classified)
    assert LineageLinkPass().apply(graph, ScanConfig()) == []
    assert f"lineage:dataset/{read_key}" not in graph
    out = "lineage:dataset/s3://warehouse/clean/out"
    assert {
        (JOB, RelationKind.READS, merged_into),
        (out, RelationKind.DERIVED_FROM, merged_into),
    } <= _edges(graph)
    assert not any(read_key in r.src or read_key in r.dst for r in graph.relations())
    assert graph[merged_into].prop("lineage_keys") == [read_key]
    assert graph[merged_into].prop("data_classes") == {"pii.email": {"count": 3}}


@pytest.mark.parametrize(
    ("read_key", "classified"),
    [
        ("s3://bucket-ab/x.csv", _classified("data:s3://bucket-a", "s3://bucket-a", AssetKind.DATA_STORE)),
        ("s3://lake/rawdata/x.csv", _classified("data:s3://lake/raw", "s3://lake/raw", AssetKind.DATA_STORE)),
        ("file:///database/x.csv", _classified("data:/data", "file:///data", AssetKind.DATA_STORE)),
        ("postgresql://db:5432/crm/public.customers", _classified("data:pg", "postgresql://db:5432/crm", AssetKind.DATA_STORE)),
        ("s3://lake/raw/x.csv", _classified("data:s3://lake/raw/x.csv/part", "s3://lake/raw/x.csv/part")),
    ],
    ids=["sibling-bucket", "sibling-prefix", "sibling-directory", "no-prefix-merge-for-databases", "classified-under-lineage"],
)  # fmt: skip
def test_no_false_merge(read_key: str, classified: Asset) -> None:
    graph = _graph(read_key, [classified])
    before = _edges(graph)
    LineageLinkPass().apply(graph, ScanConfig())
    assert f"lineage:dataset/{read_key}" in graph
    assert _edges(graph) == before
    assert graph[classified.id].prop("lineage_keys") is None


def test_two_lineage_datasets_in_one_store_leave_no_loop() -> None:
    store = _classified("data:s3://warehouse", "s3://warehouse", AssetKind.DATA_STORE)
    graph = _graph("s3://warehouse/raw/in", [store])
    LineageLinkPass().apply(graph, ScanConfig())
    assert _edges(graph) == {
        (JOB, RelationKind.READS, store.id),
        (JOB, RelationKind.WRITES, store.id),
    }
    assert graph[store.id].prop("lineage_keys") == [
        "s3://warehouse/clean/out",
        "s3://warehouse/raw/in",
    ]


def test_link_pass_runs_first() -> None:
    assert isinstance(builtin_passes()[0], LineageLinkPass)


def _lineage_model(key: str) -> Asset:
    return Asset(
        f"lineage:model/{key}", AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, key, "lineage",
        properties={"dataset_key": key, "lineage": True},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("other", "merged"),
    [
        (Asset("file:models/churn.pt", AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, "churn.pt", "files", properties={"dataset_key": "s3://lake/models/churn.pt"}), True),
        (_classified("data:s3://lake", "s3://lake", AssetKind.DATA_STORE), False),
        (_classified("data:s3://lake::models/churn.pt", "s3://lake/models/churn.pt"), False),
    ],
    ids=["same-model-file", "store-holding-it", "dataset-with-its-key"],
)  # fmt: skip
def test_lineage_models_merge_only_into_models(other: Asset, merged: bool) -> None:
    key = "s3://lake/models/churn.pt"
    trainer = Asset(
        "lineage:job/ml/train", AssetKind.TRAINING_JOB, Layer.CORE_AI, "train", "lineage"
    )
    graph = graph_of(
        [other, _lineage_model(key), trainer],
        [Relation(trainer.id, f"lineage:model/{key}", RelationKind.WRITES)],
    )
    LineageLinkPass().apply(graph, ScanConfig())
    assert (f"lineage:model/{key}" not in graph) is merged
    assert ((trainer.id, RelationKind.WRITES, other.id) in _edges(graph)) is merged
