"""Registered-model aliases read from MLflow file stores written by the real ``mlflow``
library: a ``production`` alias marks the version for production and SW-MLF-003 fires from the
file store alone, without the REST collector; a ``staging`` alias does not."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stackward.checks.builtin.mlflow.production_model_unverified import (
    UnverifiedProductionModelCheck,
)
from stackward.lineage.training import TrainingLineage, read_training_paths
from stackward.lineage.training.mlflow_aliases import aliases_by_version
from tests.conftest import findings_of, graph_of

WRITER = textwrap.dedent(
    """
    import sys, warnings
    warnings.simplefilter("ignore")
    from pathlib import Path
    import mlflow
    from mlflow import MlflowClient

    root, aliases = Path(sys.argv[1]), sys.argv[2:]
    uri = (root / "mlruns").as_uri()
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    mlflow.set_tracking_uri(uri)
    with mlflow.start_run() as run:
        mlflow.log_param("alpha", 1)
    client.create_registered_model("fraud")
    for _ in range(2):
        client.create_model_version(
            "fraud", source=run.info.artifact_uri + "/model", run_id=run.info.run_id
        )
    for pair in aliases:
        alias, version = pair.split("=")
        client.set_registered_model_alias("fraud", alias, version)
    """
)


def _real_store(root: Path, aliases: list[str]) -> Path:
    env = {**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true"}
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, str(root), *aliases],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return root / "mlruns"


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("aliases")
    return {
        "production": _real_store(base / "production", ["production=1", "staging=2"]),
        "staging-only": _real_store(base / "staging", ["staging=2"]),
        "no-alias": _real_store(base / "none", []),
    }


def _versions(root: Path) -> dict[str, tuple[list[str], bool]]:
    lineage = TrainingLineage()
    read_training_paths([root], lineage, 4 * 1024 * 1024)
    assert not lineage.skipped, lineage.skipped
    return {
        str(a.prop("version")): (list(a.prop("aliases")), a.prop("production"))
        for a in lineage.assets.values()
        if a.id.startswith("mlflow:model/fraud/")
    }


@pytest.mark.parametrize(
    ("store", "expected", "finding"),
    [
        pytest.param(
            "production",
            {"1": (["production"], True), "2": (["staging"], False)},
            ["fraud v1"],
            id="production-alias-fires",
        ),
        pytest.param(
            "staging-only",
            {"1": ([], False), "2": (["staging"], False)},
            [],
            id="staging-alias-does-not",
        ),
        pytest.param("no-alias", {"1": ([], False), "2": ([], False)}, [], id="no-alias-does-not"),
    ],
)
def test_aliases_from_a_real_store(
    store: str,
    expected: dict[str, tuple[list[str], bool]],
    finding: list[str],
    stores: dict[str, Path],
) -> None:
    assert _versions(stores[store]) == expected
    lineage = TrainingLineage()
    read_training_paths([stores[store]], lineage, 4 * 1024 * 1024)
    findings = findings_of(UnverifiedProductionModelCheck, graph_of(lineage.assets.values()))
    assert [f.rule_id for f in findings] == ["SW-MLF-003"] * len(finding)
    assert [lineage.assets[f.asset_id].name for f in findings] == finding
    for found in findings:
        assert "alias production" in found.evidence.snippet


def test_real_store_keeps_aliases_in_meta_and_in_files(stores: dict[str, Path]) -> None:
    """What the reader relies on: the installed mlflow writes both places."""
    model = stores["production"] / "models" / "fraud"
    assert (model / "aliases" / "production").read_text().strip() == "1"
    assert "production" in (model / "meta.yaml").read_text()


@pytest.mark.parametrize(
    ("meta", "files", "expected", "problems"),
    [
        pytest.param({"aliases": {"prod": "3"}}, {}, {"3": ["prod"]}, 0, id="meta-only"),
        pytest.param(None, {"champion": "2\n"}, {"2": ["champion"]}, 0, id="files-only"),
        pytest.param({"aliases": {"prod": 3}}, {"prod": "9"}, {"3": ["prod"]}, 0, id="meta-wins"),
        pytest.param({"aliases": "prod"}, {}, {}, 0, id="meta-aliases-not-a-mapping"),
        pytest.param({"aliases": {"prod": True}}, {}, {}, 0, id="boolean-version-ignored"),
        pytest.param(None, {"prod": "../../etc"}, {}, 1, id="file-not-a-version"),
        pytest.param(None, {"prod": "1" * 100}, {}, 1, id="file-too-long"),
    ],
)
def test_aliases_by_version(
    meta: dict[str, object] | None,
    files: dict[str, str],
    expected: dict[str, list[str]],
    problems: int,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "aliases"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    found, issues = aliases_by_version(tmp_path, meta)
    assert found == expected
    assert len(issues) == problems
    assert all(str(tmp_path) in issue for issue in issues)


def test_symlinked_alias_file_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "aliases").mkdir()
    (tmp_path / "elsewhere").write_text("1")
    (tmp_path / "aliases" / "production").symlink_to(tmp_path / "elsewhere")
    assert aliases_by_version(tmp_path, None) == ({}, [])
