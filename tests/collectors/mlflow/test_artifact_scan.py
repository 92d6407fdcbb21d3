"""Where a version's files are read from, and the bounds on copying them from the proxy."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from stackward.artifacts.signing import SignatureVerifier
from stackward.collectors.mlflow.artifact_scan import (
    download_proxied,
    local_directory,
    proxied_path,
    scan_model_directory,
)
from stackward.collectors.mlflow.client import MlflowClient, MlflowError
from stackward.config.schema import ArtifactSettings
from tests.collectors.mlflow.scripted import Reply, Script, json_reply, scripted_server

ROOT = "/api/2.0/mlflow-artifacts/artifacts"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        pytest.param("mlflow-artifacts:/1/run/artifacts/model", "1/run/artifacts/model", id="path"),
        pytest.param("mlflow-artifacts://mlflow:5000/exp/model", "exp/model", id="with-host"),
        pytest.param("mlflow-artifacts:/a/../../etc", None, id="dot-dot"),
        pytest.param("mlflow-artifacts:/", None, id="root-only"),
        pytest.param("s3://bucket/model", None, id="s3"),
        pytest.param("models:/m-123", None, id="logged-model"),
        pytest.param(None, None, id="none"),
    ],
)
def test_proxied_path(uri: str | None, expected: str | None) -> None:
    assert proxied_path(uri) == expected


def test_local_directory(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "model")
    assert local_directory(str(tmp_path / "model")) == tmp_path / "model"
    assert local_directory(f"file://{tmp_path / 'model'}") == tmp_path / "model"
    assert local_directory(str(tmp_path / "link")) is None
    assert local_directory(str(tmp_path / "missing")) is None
    assert local_directory("file://otherhost/srv/model") is None
    assert local_directory("relative/model") is None


def _proxy(listing: dict[str, list[dict[str, object]]], files: dict[str, bytes]) -> Script:
    def script(method: str, path: str, query: dict[str, list[str]], body: bytes) -> Reply:
        if path == ROOT:
            return json_reply({"files": listing.get(query["path"][0], [])})
        name = path.removeprefix(ROOT + "/")
        return Reply(body=files[name]) if name in files else Reply(status=404)

    return script


@pytest.mark.parametrize(
    ("listing", "files", "budget_gb", "copied", "stopped"),
    [
        pytest.param(
            {"m": [{"path": "model.pkl", "is_dir": False, "file_size": 5}]},
            {"m/model.pkl": b"12345"},
            1.0,
            ["model.pkl"],
            None,
            id="one-file",
        ),
        pytest.param(
            {
                "m": [{"path": "sub", "is_dir": True}, {"path": "../evil", "is_dir": False}],
                "m/sub": [{"path": "w.bin", "is_dir": False, "file_size": 3}],
            },
            {"m/sub/w.bin": b"abc"},
            1.0,
            ["sub/w.bin"],
            None,
            id="nested-and-traversal-name-ignored",
        ),
        pytest.param(
            {"m": [{"path": "big.bin", "is_dir": False, "file_size": 5000}]},
            {"m/big.bin": b"x" * 5000},
            1e-6,
            [],
            "larger than the artifacts.max_expanded_gb budget",
            id="declared-size-over-budget",
        ),
    ],
)
def test_download_proxied(
    tmp_path: Path,
    listing: dict[str, list[dict[str, object]]],
    files: dict[str, bytes],
    budget_gb: float,
    copied: list[str],
    stopped: str | None,
) -> None:
    settings = ArtifactSettings(max_expanded_gb=budget_gb)
    with scripted_server(_proxy(listing, files)) as (url, _), MlflowClient(url) as client:
        reason = download_proxied(client, "m", tmp_path / "copy", settings)
    found = sorted(
        p.relative_to(tmp_path / "copy").as_posix()
        for p in (tmp_path / "copy").rglob("*")
        if p.is_file()
    )
    assert found == copied
    assert (reason is None) if stopped is None else (stopped in (reason or ""))
    assert not (tmp_path / "evil").exists()


def test_body_longer_than_declared_is_cut_and_removed(tmp_path: Path) -> None:
    """The listing claims 3 bytes; the proxy sends more than the whole budget."""
    listing = {"m": [{"path": "w.bin", "is_dir": False, "file_size": 3}]}
    settings = ArtifactSettings(max_expanded_gb=1e-6)
    with (
        scripted_server(_proxy(listing, {"m/w.bin": b"y" * 4096})) as (url, _),
        MlflowClient(url) as client,
        pytest.raises(MlflowError, match="not downloaded"),
    ):
        download_proxied(client, "m", tmp_path / "copy", settings)
    assert not (tmp_path / "copy" / "w.bin").exists()


@pytest.mark.parametrize(
    ("payload", "kinds"),
    [
        pytest.param(pickle.dumps({"w": [1.0]}, protocol=4), [], id="benign-pickle"),
        pytest.param(b"cos\nsystem\n(S'echo planted'\ntR.", ["code_execution"], id="os-system"),
    ],
)
def test_scan_model_directory(tmp_path: Path, payload: bytes, kinds: list[str]) -> None:
    (tmp_path / "MLmodel").write_text("flavors: {}\n")
    (tmp_path / "model.pkl").write_bytes(payload)
    settings = ArtifactSettings()
    facts = scan_model_directory(tmp_path, settings, SignatureVerifier(settings.signing))
    assert facts["artifact_scan"] == "scanned"
    assert facts["artifact_files"] == ["model.pkl"]
    assert [i["kind"] for i in facts["artifact_issues"]] == kinds
    assert facts["signature"] is None


def test_directory_without_model_files_is_not_scanned(tmp_path: Path) -> None:
    (tmp_path / "MLmodel").write_text("flavors: {}\n")
    settings = ArtifactSettings()
    facts = scan_model_directory(tmp_path, settings, SignatureVerifier(settings.signing))
    assert facts == {"artifact_scan": "not scanned", "artifact_scan_reason": "no model files found"}
