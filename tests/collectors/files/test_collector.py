"""The files collector end to end over real fixture files and generated hostile ones."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.files import FilesCollector
from stackward.collectors.walk import walk_tree
from stackward.config.schema import ScanConfig, Sources
from stackward.model import AssetKind, RelationKind
from tests.collectors.files.helpers import FIXTURES


def _collect(
    root: Path, max_parse_mb: float = 64.0
) -> tuple[dict[str, dict[str, Any]], CollectResult]:
    walked = walk_tree(root)
    config = ScanConfig(sources=Sources(paths=[root], max_parse_mb=max_parse_mb))
    result = FilesCollector().collect(CollectContext(config=config, files=walked.files))
    return {a.id: dict(a.properties) for a in result.assets}, result


def test_every_fixture_becomes_an_asset_and_bad_ones_a_skip() -> None:
    assets, result = _collect(FIXTURES)
    files = [asset_id for asset_id in assets if asset_id.startswith("file:")]
    assert len(files) == len(walk_tree(FIXTURES).files)
    skipped = {s.location: s.reason for s in result.skipped}
    assert "invalid JSON" in skipped["fixtures/notebooks/truncated.ipynb"]
    assert "not valid JSON" in skipped["fixtures/models/not-json.safetensors"]
    kinds = {a.id: a.kind for a in result.assets}
    assert kinds["file:fixtures/notebooks/leaky.ipynb"] is AssetKind.NOTEBOOK
    assert kinds["file:fixtures/datasets/people.csv"] is AssetKind.DATASET
    assert kinds["file:fixtures/configs/app.env"] is AssetKind.CONFIG_FILE


def test_notebook_reads_the_dataset_it_names() -> None:
    _, result = _collect(FIXTURES)
    edges = {(r.src, r.kind, r.dst) for r in result.relations}
    assert (
        "file:fixtures/notebooks/leaky.ipynb",
        RelationKind.READS,
        "file:fixtures/datasets/people.csv",
    ) in edges


def test_model_gets_the_architecture_of_its_config(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "models/tiny.safetensors", tmp_path / "model.safetensors")
    shutil.copy(FIXTURES / "models/config.json", tmp_path / "config.json")
    assets, _ = _collect(tmp_path)
    model = assets[f"file:{tmp_path.name}/model.safetensors"]
    assert model["architecture"] == "BertForSequenceClassification"
    assert model["tensor_count"] == 2


def test_files_over_the_parse_limit_are_inventoried_without_content(tmp_path: Path) -> None:
    notebook = tmp_path / "big.ipynb"
    shutil.copy(FIXTURES / "notebooks/leaky.ipynb", notebook)
    with notebook.open("ab") as handle:
        handle.truncate(3 * 1024 * 1024)  # sparse: nothing is written
    assets, result = _collect(tmp_path, max_parse_mb=1)
    props = assets[f"file:{tmp_path.name}/big.ipynb"]
    assert props["content_read"] is False
    assert "secrets" not in props
    (skip,) = result.skipped
    assert "exceeds the parse limit" in skip.reason
    assert skip.location == f"{tmp_path.name}/big.ipynb"


def test_invalid_utf8_source_is_read_with_replacement(tmp_path: Path) -> None:
    (tmp_path / "weird.py").write_bytes(
        b"x = '\xff\xfe'\ntoken = 'ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'\n"
    )
    assets, result = _collect(tmp_path)
    props = assets[f"file:{tmp_path.name}/weird.py"]
    assert props["invalid_utf8"] is True
    assert [s["detector"] for s in props["secrets"]] == ["github_token"]
    assert not result.skipped


def test_file_swapped_for_a_fifo_after_the_walk_is_skipped(tmp_path: Path) -> None:
    target = tmp_path / "notes.py"
    target.write_text("x = 1\n")
    walked = walk_tree(tmp_path)
    target.unlink()
    os.mkfifo(target)  # the reader must neither block nor raise
    config = ScanConfig(sources=Sources(paths=[tmp_path]))
    result = FilesCollector().collect(CollectContext(config=config, files=walked.files))
    (skip,) = result.skipped
    assert skip.reason == "cannot read file: not a regular file"
    assert [a.id for a in result.assets] == [f"file:{tmp_path.name}/notes.py"]
