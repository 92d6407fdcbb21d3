"""SageMaker describe output to lineage.

The fixtures are synthetic documents shaped like the AWS CLI's ``aws sagemaker describe-*``
output: the SageMaker API cannot be called here, so the reader is fed the JSON it would print.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from stackward.collectors.base import CollectContext, load_collectors
from stackward.collectors.walk import walk_all
from stackward.config.schema import ScanConfig
from stackward.lineage.training import TrainingCollector, TrainingLineage, read_training_paths
from stackward.lineage.training.sagemaker import describe_kind, region_of
from stackward.model import AssetKind, RelationKind

FIXTURES = Path(__file__).parent / "fixtures" / "sagemaker"
REGION = "eu-west-1"
JOB = f"sagemaker:{REGION}/training-job/churn-train-2026-11-01"
MODEL = f"sagemaker:{REGION}/model/churn-xgb"
ENDPOINT = f"sagemaker:{REGION}/endpoint/churn-prod"
ARTIFACT = "lineage:model/s3://acme-ml-models/churn/churn-train-2026-11-01/output/model.tar.gz"
TRAIN = "lineage:dataset/s3://acme-crm-exports/customers/train"
VALIDATION = "lineage:dataset/s3://acme-crm-exports/customers/validation"
LIMIT = 4 * 1024 * 1024


def _read(*paths: Path) -> TrainingLineage:
    lineage = TrainingLineage()
    read_training_paths(list(paths), lineage, LIMIT)
    return lineage


def _edges(lineage: TrainingLineage) -> set[tuple[str, RelationKind, str]]:
    return {(r.src, r.kind, r.dst) for r in lineage.relations}


@pytest.mark.parametrize(
    "edge",
    [
        pytest.param((JOB, RelationKind.READS, TRAIN), id="job-reads-train"),
        pytest.param((JOB, RelationKind.READS, VALIDATION), id="job-reads-validation"),
        pytest.param((JOB, RelationKind.WRITES, ARTIFACT), id="job-writes-artifact"),
        pytest.param((ARTIFACT, RelationKind.TRAINED_ON, TRAIN), id="artifact-trained-on-train"),
        pytest.param((ARTIFACT, RelationKind.TRAINED_ON, VALIDATION), id="trained-on-validation"),
        pytest.param((MODEL, RelationKind.LOADS_MODEL, ARTIFACT), id="model-loads-artifact"),
        pytest.param((ENDPOINT, RelationKind.SERVES, MODEL), id="endpoint-serves-model"),
    ],
)
def test_describe_files_give_the_lineage_edges(edge: tuple[str, RelationKind, str]) -> None:
    assert edge in _edges(_read(FIXTURES))


def test_assets_carry_kind_region_and_dataset_key() -> None:
    lineage = _read(FIXTURES)
    kinds = {a.id: a.kind for a in lineage.assets.values()}
    assert kinds == {
        JOB: AssetKind.TRAINING_JOB,
        MODEL: AssetKind.MODEL_ARTIFACT,
        ENDPOINT: AssetKind.MODEL_ENDPOINT,
        ARTIFACT: AssetKind.MODEL_ARTIFACT,
        TRAIN: AssetKind.DATASET,
        VALIDATION: AssetKind.DATASET,
    }
    assert {a.region for a in lineage.assets.values()} == {REGION}
    assert lineage.assets[TRAIN].prop("dataset_key") == "s3://acme-crm-exports/customers/train"
    assert lineage.assets[MODEL].prop("enable_network_isolation") is True
    assert lineage.assets[ENDPOINT].prop("endpoint_config_name") == "churn-config-v1"


def test_file_system_channel_is_reported_not_dropped() -> None:
    reasons = [s.reason for s in _read(FIXTURES).skipped]
    assert len(reasons) == 1
    assert "channel extra has no S3 data source" in reasons[0]


def test_order_of_files_does_not_matter(tmp_path: Path) -> None:
    files = sorted(FIXTURES.glob("*.json"))
    forward = _read(*files)
    backward = _read(*reversed(files))
    assert _edges(forward) == _edges(backward)
    assert set(forward.assets) == set(backward.assets)


def test_endpoint_without_its_configuration_is_reported(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "endpoint.json", tmp_path / "endpoint.json")
    lineage = _read(tmp_path)
    assert ENDPOINT in lineage.assets
    assert not [r for r in lineage.relations if r.kind is RelationKind.SERVES]
    (problem,) = lineage.skipped
    assert problem.location.endswith("endpoint.json")
    assert "churn-config-v1 not among the describe files" in problem.reason


def test_configuration_in_another_region_is_not_joined(tmp_path: Path) -> None:
    config = json.loads((FIXTURES / "endpoint-config.json").read_text())
    config["EndpointConfigArn"] = config["EndpointConfigArn"].replace(REGION, "us-east-1")
    (tmp_path / "config.json").write_text(json.dumps(config))
    shutil.copy(FIXTURES / "endpoint.json", tmp_path / "endpoint.json")
    lineage = _read(tmp_path)
    assert not [r for r in lineage.relations if r.kind is RelationKind.SERVES]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b'{"TrainingJobArn": "arn:aws:sage', "not valid JSON", id="truncated"),
        pytest.param(b"\xff\xfe\x00binary", "not valid JSON", id="binary"),
        pytest.param(b'{"Name": "x"}', "not a SageMaker describe output", id="other-json"),
        pytest.param(b'[{"ModelArn": "arn:x"}]', "not a SageMaker describe output", id="list"),
        pytest.param(
            b'{"TrainingJobArn": "arn:aws:sagemaker:eu-west-1:1:training-job/x"}',
            "training job without TrainingJobName",
            id="job-without-name",
        ),
        pytest.param(
            b'{"ModelArn": "arn:aws:sagemaker:eu-west-1:1:model/x", "ModelName": 7}',
            "model without ModelName",
            id="model-name-not-text",
        ),
        pytest.param(b" " * (LIMIT + 1), "larger than", id="huge"),
    ],
)
def test_bad_files_become_skipped_entries(tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    lineage = _read(bad)
    (problem,) = lineage.skipped
    assert problem.location == str(bad)
    assert reason in problem.reason
    assert problem.collector == "training"


def test_missing_path_is_reported(tmp_path: Path) -> None:
    (problem,) = _read(tmp_path / "nope").skipped
    assert problem.reason == "training source does not exist"


@pytest.mark.parametrize(
    ("arn", "region"),
    [
        pytest.param("arn:aws:sagemaker:eu-west-1:111122223333:model/m", "eu-west-1", id="aws"),
        pytest.param("arn:aws-cn:sagemaker:cn-north-1:1:endpoint/e", "cn-north-1", id="china"),
        pytest.param("arn:aws:sagemaker::1:model/m", None, id="empty-region"),
        pytest.param("not-an-arn", None, id="not-arn"),
    ],
)
def test_region_comes_from_the_arn_only(arn: str, region: str | None) -> None:
    assert region_of(arn) == region


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        pytest.param({"TrainingJobArn": "a", "ModelArn": "b"}, "TrainingJobArn", id="job-first"),
        pytest.param({"EndpointArn": "a", "EndpointConfigName": "c"}, "EndpointArn", id="endpoint"),
        pytest.param({"EndpointConfigArn": "a"}, "EndpointConfigArn", id="config"),
        pytest.param({"ModelArn": 3}, None, id="arn-not-text"),
        pytest.param(["ModelArn"], None, id="not-mapping"),
    ],
)
def test_documents_are_recognised_by_their_arn_key(document: object, kind: str | None) -> None:
    assert describe_kind(document) == kind


def test_collector_reads_configured_paths_and_is_registered() -> None:
    config = ScanConfig.model_validate({"lineage": {"training": {"paths": [str(FIXTURES)]}}})
    result = TrainingCollector().collect(CollectContext(config=config, files=[]))
    assert {a.id for a in result.assets} >= {JOB, MODEL, ENDPOINT}
    assert "training" in {c.name for c in load_collectors()}
    empty = TrainingCollector().collect(CollectContext(config=ScanConfig(), files=[]))
    assert not empty.assets and not empty.skipped


def _walked_collect(root: Path, training: list[str]) -> TrainingLineage:
    config = ScanConfig.model_validate({"lineage": {"training": {"paths": training}}})
    files = walk_all([root]).files
    result = TrainingCollector().collect(CollectContext(config=config, files=files))
    lineage = TrainingLineage(skipped=result.skipped, relations=result.relations)
    lineage.assets = {a.id: a for a in result.assets}
    return lineage


def test_describe_files_among_scanned_paths_are_picked_up(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "infra" / "sagemaker")
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}')
    (tmp_path / "broken.json").write_text('{"name": ')
    lineage = _walked_collect(tmp_path, [])
    assert _edges(lineage) == _edges(_read(FIXTURES))
    assert [s.reason for s in lineage.skipped] == [s.reason for s in _read(FIXTURES).skipped]


def test_configured_and_scanned_paths_are_read_once(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "sagemaker")
    lineage = _walked_collect(tmp_path, [str(tmp_path / "sagemaker")])
    assert len(lineage.relations) == len(_read(FIXTURES).relations)
    assert len(lineage.skipped) == 1
