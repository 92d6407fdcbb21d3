"""The lineage collector: files, globs, dbt manifests, the training rule, skipped entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackward.collectors.base import CollectContext, load_collectors
from stackward.config.schema import ScanConfig
from stackward.lineage.assets import is_training, looks_like_model
from stackward.lineage.collector import MAX_PROBLEMS_PER_FILE, LineageCollector
from stackward.lineage.model import JobRecord
from stackward.model import AssetKind, RelationKind
from tests.lineage.events import dataset, run_event
from tests.lineage.test_dbt import NAMESPACE, manifest


def _collect(settings: dict[str, Any]) -> Any:
    config = ScanConfig.model_validate({"sources": {"paths": []}, "lineage": settings})
    return LineageCollector().collect(CollectContext(config=config, files=()))


def _jsonl(path: Path, events: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def test_registered_as_a_builtin_collector() -> None:
    assert "lineage" in {c.name for c in load_collectors()}


def test_events_from_globs_and_directories_with_last_run_state(tmp_path: Path) -> None:
    src, out = dataset("s3://lake", "raw/a.csv"), dataset("s3://lake", "clean/a")
    _jsonl(tmp_path / "a" / "one.jsonl", [
        run_event("etl", [src], [out], "START", "2026-11-20T10:00:00Z"),
        run_event("etl", [src], [out], "FAIL", "2026-11-21T10:00:00Z"),
    ])  # fmt: skip
    _jsonl(
        tmp_path / "b" / "two.jsonl",
        [run_event("etl", [src], [out], "COMPLETE", "2026-11-19T10:00:00Z")],
    )
    result = _collect({"openlineage": [str(tmp_path / "a" / "*.jsonl"), str(tmp_path / "b")]})
    assert result.skipped == []
    job = next(a for a in result.assets if a.id == "lineage:job/etl/etl")
    assert (job.kind, job.prop("last_run_state"), job.prop("events")) == (
        AssetKind.DATA_JOB,
        "FAIL",
        3,
    )
    assert job.prop("last_run_time") == "2026-11-21T10:00:00+00:00"
    keys = {a.prop("dataset_key") for a in result.assets if a.kind is AssetKind.DATASET}
    assert keys == {"s3://lake/raw/a.csv", "s3://lake/clean/a"}
    assert {(r.kind, r.properties.get("job")) for r in result.relations} == {
        (RelationKind.READS, None),
        (RelationKind.WRITES, None),
        (RelationKind.DERIVED_FROM, "lineage:job/etl/etl"),
    }


def test_bad_lines_and_missing_sources_are_skipped_never_silent(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text("{}\n" * (MAX_PROBLEMS_PER_FILE + 5), encoding="utf-8")
    result = _collect({
        "openlineage": [str(path), str(tmp_path / "absent.jsonl"), str(tmp_path / "none-*.jsonl")],
        "dbt": [{"manifest": str(tmp_path / "manifest.json"), "namespace": NAMESPACE}],
    })  # fmt: skip
    reasons = [(s.location, s.reason) for s in result.skipped]
    assert len(reasons) == MAX_PROBLEMS_PER_FILE + 4
    assert (f"{path}:1", "eventTime is missing or not a string") in reasons
    assert (str(path), "5 more malformed events not listed") in reasons
    assert (str(tmp_path / "absent.jsonl"), "no such file or directory") in reasons
    assert (str(tmp_path / "none-*.jsonl"), "the pattern matches no file") in reasons
    assert any(
        s.location.endswith("manifest.json") and "cannot read" in s.reason for s in result.skipped
    )


def test_receiver_spool_is_read_when_present(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    _jsonl(
        spool / "openlineage-2026-11-20.jsonl", [run_event("etl", [], [dataset("s3://lake", "x")])]
    )
    assert any(a.id == "lineage:job/etl/etl" for a in _collect({"receiver_dir": str(spool)}).assets)
    assert _collect({"receiver_dir": str(tmp_path / "absent")}).assets == []


def test_dbt_manifest_from_config(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest()), encoding="utf-8")
    result = _collect({"dbt": [{"manifest": str(path), "namespace": NAMESPACE}]})
    job = next(a for a in result.assets if a.id == "lineage:job/dbt/model.shop.customers")
    assert job.kind is AssetKind.DATA_JOB and job.source == str(path)
    derived = {(r.src, r.dst) for r in result.relations if r.kind is RelationKind.DERIVED_FROM}
    assert (
        "lineage:dataset/postgresql://db.internal:5432/analytics/marts.dim_customers",
        "lineage:dataset/postgresql://db.internal:5432/analytics/seeds.countries",
    ) in derived


def _job(name: str, outputs: set[str], job_type: str | None = None) -> JobRecord:
    return JobRecord("ns", name, "openlineage", outputs=outputs, job_type=job_type)


@pytest.mark.parametrize(
    ("job", "training"),
    [
        (_job("nightly", {"s3://lake/x"}, "TRAINING"), True),
        (_job("train_churn", {"s3://lake/x"}), True),
        (_job("churn-model-training", {"s3://lake/x"}), True),
        (_job("llm_finetune", {"s3://lake/x"}), True),
        (_job("nightly", {"s3://lake/models/churn"}), True),
        (_job("nightly", {"models:/churn/3"}), True),
        (_job("nightly", {"file:///out/net.safetensors"}), True),
        (_job("load_trains_schedule", {"s3://lake/x"}), False),
        (_job("constrain_orders", {"s3://lake/x"}), False),
        (_job("nightly", {"s3://lake/x"}, "QUERY"), False),
        (_job("nightly", {"s3://models-bucket/x"}), False),
    ],
    ids=[
        "jobType-facet", "name-word", "name-in-kebab", "finetune-word", "models-segment",
        "mlflow-uri", "model-suffix", "trains-is-not-train", "constrain-is-not-train",
        "query-job", "bucket-named-models",
    ],
)  # fmt: skip
def test_training_rule(job: JobRecord, training: bool) -> None:
    assert is_training(job) is training


def test_model_pattern_does_not_fire_on_bucket_names() -> None:
    assert looks_like_model("s3://lake/model/v1")
    assert not looks_like_model("s3://model/data.csv")


def test_training_run_writes_models_trained_on_its_inputs(tmp_path: Path) -> None:
    events = [
        run_event("fit", [dataset("s3://lake", "clean/a")], [
            dataset("s3://lake", "models/churn.pt"), dataset("s3://lake", "metrics/report.csv")
        ]),
        run_event("score", [dataset("s3://lake", "models/churn.pt")], [dataset("s3://lake", "scores")]),
    ]  # fmt: skip
    result = _collect({"openlineage": [str(_jsonl(tmp_path / "e.jsonl", events))]})
    kinds = {a.id: a.kind for a in result.assets}
    model = "lineage:model/s3://lake/models/churn.pt"
    assert kinds[model] is AssetKind.MODEL_ARTIFACT
    assert kinds["lineage:dataset/s3://lake/metrics/report.csv"] is AssetKind.DATASET
    assert kinds["lineage:job/etl/fit"] is AssetKind.TRAINING_JOB
    assert kinds["lineage:job/etl/score"] is AssetKind.DATA_JOB
    edges = {(r.src, r.kind, r.dst) for r in result.relations}
    assert (model, RelationKind.TRAINED_ON, "lineage:dataset/s3://lake/clean/a") in edges
    assert ("lineage:job/etl/score", RelationKind.READS, model) in edges
