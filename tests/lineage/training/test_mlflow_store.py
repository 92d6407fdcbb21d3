"""MLflow file stores to lineage, on stores written by the real ``mlflow`` library.

The store is made in a child process (``MLFLOW_ALLOW_FILE_STORE`` opts in to the file
backend), so the library's own warnings and state stay out of the tests; the reader then
parses only the ``meta.yaml`` files it left.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stackward.collectors.base import CollectContext
from stackward.collectors.walk import walk_all
from stackward.config.schema import ScanConfig
from stackward.lineage.training import (
    TrainingCollector,
    TrainingLineage,
    is_mlflow_store,
    read_training_paths,
)
from stackward.lineage.training.mlflow_store import dataset_location
from stackward.model import AssetKind, RelationKind

WRITER = textwrap.dedent(
    """
    import sys, warnings
    warnings.simplefilter("ignore")
    from pathlib import Path
    import mlflow
    from mlflow.data.dataset_source_registry import resolve_dataset_source
    from mlflow.data.meta_dataset import MetaDataset

    root = Path(sys.argv[1])
    mlflow.set_tracking_uri((root / "mlruns").as_uri())
    client = mlflow.MlflowClient()
    mlflow.set_experiment("churn")
    with mlflow.start_run(run_name="train-on-customers") as run:
        source = resolve_dataset_source("s3://acme-crm/customers/2026-11.csv")
        mlflow.log_input(MetaDataset(source, name="customers"), context="training")
        local = resolve_dataset_source(str(root / "holidays.csv"))
        mlflow.log_input(MetaDataset(local, name="holidays"), context="training")
        model_dir = root / "model"
        model_dir.mkdir()
        (model_dir / "MLmodel").write_text("flavors: {}\\n")
        mlflow.log_artifacts(str(model_dir), artifact_path="model")
        client.create_registered_model("churn-model")
        client.create_model_version(
            "churn-model", source=run.info.artifact_uri + "/model", run_id=run.info.run_id
        )
        print(run.info.run_id, run.info.artifact_uri)
    mlflow.set_experiment("forecast")
    with mlflow.start_run(run_name="logged") as run:
        mlflow.log_input(MetaDataset(local, name="holidays"), context="training")
        logged = mlflow.initialize_logged_model(name="forecaster", source_run_id=run.info.run_id)
        print(run.info.run_id, logged.model_id)
    """
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    root = tmp_path_factory.mktemp("mlflow")
    (root / "holidays.csv").write_text("date,name\n2026-12-25,Christmas\n")
    env = {**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true"}
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line.split() for line in proc.stdout.splitlines() if line.strip()]
    return root / "mlruns", lines


def _read(path: Path) -> TrainingLineage:
    lineage = TrainingLineage()
    read_training_paths([path], lineage, 4 * 1024 * 1024)
    return lineage


def test_real_store_gives_runs_datasets_and_models(store: tuple[Path, list[list[str]]]) -> None:
    root, ((run_a, artifact_uri), (run_b, logged_id)) = store
    lineage = _read(root)
    customers = "lineage:dataset/s3://acme-crm/customers/2026-11.csv"
    holidays = f"lineage:dataset/file://{root.parent / 'holidays.csv'}"
    version = "mlflow:model/churn-model/1"
    logged = f"mlflow:logged-model/{logged_id}"
    edges = {(r.src, r.kind, r.dst) for r in lineage.relations}
    assert edges == {
        (f"mlflow:run/{run_a}", RelationKind.READS, customers),
        (f"mlflow:run/{run_a}", RelationKind.READS, holidays),
        (f"mlflow:run/{run_a}", RelationKind.WRITES, version),
        (version, RelationKind.TRAINED_ON, customers),
        (version, RelationKind.TRAINED_ON, holidays),
        (f"mlflow:run/{run_b}", RelationKind.READS, holidays),
        (f"mlflow:run/{run_b}", RelationKind.WRITES, logged),
        (logged, RelationKind.TRAINED_ON, holidays),
    }
    assert lineage.assets[version].kind is AssetKind.MODEL_ARTIFACT
    assert lineage.assets[version].prop("dataset_key") == f"{artifact_uri}/model"
    assert lineage.assets[f"mlflow:run/{run_a}"].name == "train-on-customers"
    assert not lineage.skipped


def test_store_is_found_inside_a_configured_directory(
    store: tuple[Path, list[list[str]]],
) -> None:
    root, _ = store
    assert is_mlflow_store(root)
    assert not is_mlflow_store(root.parent / "model")
    inner = {a.id for a in _read(root).assets.values()}
    assert {a.id for a in _read(root.parent).assets.values()} == inner


def test_reader_writes_nothing_to_the_store(store: tuple[Path, list[list[str]]]) -> None:
    root, _ = store
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    _read(root)
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before


def _store(tmp_path: Path, run_meta: str, dataset_meta: str | None = None) -> Path:
    run = tmp_path / "mlruns" / "1" / "abc"
    run.mkdir(parents=True)
    (tmp_path / "mlruns" / "1" / "meta.yaml").write_text("experiment_id: '1'\nname: e\n")
    (run / "meta.yaml").write_text(run_meta)
    if dataset_meta is not None:
        record = tmp_path / "mlruns" / "1" / "datasets" / "d1"
        record.mkdir(parents=True)
        (record / "meta.yaml").write_text(dataset_meta)
        link = run / "inputs" / "i1"
        link.mkdir(parents=True)
        (link / "meta.yaml").write_text("source_id: d1\nsource_type: DATASET\n")
    return tmp_path / "mlruns"


@pytest.mark.parametrize(
    ("run_meta", "dataset_meta", "reason"),
    [
        pytest.param("run_id: [unclosed\n", None, "not valid YAML", id="broken-yaml"),
        pytest.param("- a list\n", None, "not a YAML mapping", id="not-mapping"),
        pytest.param("x: " + "a" * 300_000, None, "larger than", id="huge-meta"),
        pytest.param(
            "!!python/object/apply:os.system ['true']\n", None, "not valid YAML", id="yaml-tag"
        ),
        pytest.param(
            "run_id: abc\n",
            "name: frame\nsource: '{\"tags\": {}}'\nsource_type: code\n",
            "names no absolute location",
            id="dataset-without-location",
        ),
    ],
)
def test_bad_store_entries_become_skipped_entries(
    tmp_path: Path, run_meta: str, dataset_meta: str | None, reason: str
) -> None:
    lineage = _read(_store(tmp_path, run_meta, dataset_meta))
    (problem,) = lineage.skipped
    assert "meta.yaml" in problem.location
    assert reason in problem.reason
    assert not [r for r in lineage.relations if r.kind is RelationKind.READS]


@pytest.mark.parametrize(
    ("source_type", "source", "location"),
    [
        pytest.param("s3", '{"uri": "s3://b/k.csv"}', "s3://b/k.csv", id="s3"),
        pytest.param("http", '{"url": "https://x.test/a.csv"}', "https://x.test/a.csv", id="http"),
        pytest.param("local", '{"uri": "/data/a.csv"}', "file:///data/a.csv", id="local"),
        pytest.param("hugging_face", '{"path": "org/set"}', "huggingface://org/set", id="hf"),
        pytest.param("delta_table", '{"delta_table_name": "db.t"}', "delta_table/db.t", id="delta"),
        pytest.param("code", '{"tags": {}}', None, id="code"),
        pytest.param("local", "not json", None, id="broken"),
        pytest.param("local", '["uri"]', None, id="not-mapping"),
    ],
)
def test_dataset_location(source_type: str, source: str, location: str | None) -> None:
    assert dataset_location(source_type, source) == location


@pytest.mark.parametrize(
    ("base", "location"),
    [
        pytest.param(Path("/srv/project"), "file:///srv/project/data/x.csv", id="beside-the-store"),
        pytest.param(None, None, id="no-base-names-nothing"),
    ],
)
def test_relative_local_path_is_taken_from_the_store_directory(
    base: Path | None, location: str | None
) -> None:
    assert dataset_location("local", '{"uri": "data/x.csv"}', base) == location


def test_relative_dataset_of_a_store_links_to_the_file_beside_it(tmp_path: Path) -> None:
    dataset_meta = 'name: rel\nsource: \'{"uri": "data/x.csv"}\'\nsource_type: local\n'
    root = _store(tmp_path, "run_id: abc\n", dataset_meta)
    lineage = _read(root)
    assert not lineage.skipped
    key = f"file://{root.parent / 'data' / 'x.csv'}"
    assert [a.prop("dataset_key") for a in lineage.assets.values() if a.prop("dataset_key") == key]


def test_store_among_scanned_paths_is_picked_up(store: tuple[Path, list[list[str]]]) -> None:
    root, _ = store
    config = ScanConfig()
    files = walk_all([root.parent]).files
    assert any(f.path.name == "meta.yaml" for f in files)
    result = TrainingCollector().collect(CollectContext(config=config, files=files))
    assert {a.id for a in result.assets} == set(_read(root).assets)
    assert len(result.relations) == len(_read(root).relations)


def test_experiment_folder_is_not_taken_for_a_store(store: tuple[Path, list[list[str]]]) -> None:
    root, _ = store
    experiments = [p for p in root.iterdir() if p.is_dir() and p.name not in ("models", "0")]
    assert experiments
    assert not any(is_mlflow_store(p) for p in experiments)
