"""The ``stackward`` command end to end on small real trees."""

from __future__ import annotations

import json
import pickle
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackward.cli.app import app
from stackward.cli.exit_codes import (
    FINDINGS_AT_OR_ABOVE_FAIL_ON,
    OK,
    PARTIAL_SCAN,
    PARTIAL_SCAN_AND_FINDINGS,
    USAGE_OR_CONFIG_ERROR,
)
from tests.conftest import EXAMPLES

runner = CliRunner()


def _pickle_model(path: Path) -> None:
    # Plain data only: harmless even if someone loads it.
    path.write_bytes(pickle.dumps({"weights": [0.1, 0.2]}, protocol=4))


def _safetensors_model(path: Path) -> None:
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\x00" * 8)


def _scan(*args: str) -> tuple[int, str]:
    """Exit code and standard output, or all output when the format is not JSON."""
    result = runner.invoke(app, ["scan", *args])
    return result.exit_code, result.stdout if "json" in args else result.output


def test_fixing_a_file_resolves_its_finding_in_the_next_scan(tmp_path: Path) -> None:
    stack = tmp_path / "stack"
    stack.mkdir()
    model = stack / "model.pkl"
    _pickle_model(model)
    store = tmp_path / "s.db"
    code, out = _scan(str(stack), "--store", str(store), "--format", "json")
    assert code == OK
    first = json.loads(out)
    assert [f["rule_id"] for f in first["findings"]] == ["SW-MODEL-001"]

    model.unlink()
    _safetensors_model(stack / "model.safetensors")
    code, out = _scan(str(stack), "--store", str(store), "--format", "json")
    assert code == OK and json.loads(out)["findings"] == []

    from stackward.store import FindingStatus, open_store

    db = open_store(store)
    stored = db.findings()
    db.close()
    assert [(f.rule_id, f.status) for f in stored] == [("SW-MODEL-001", FindingStatus.RESOLVED)]


def test_fail_on_sets_exit_code(tmp_path: Path) -> None:
    _pickle_model(tmp_path / "m.pkl")
    # A clean pickle is still a pickle: a low finding, which --fail-on low catches.
    assert _scan(str(tmp_path), "--no-store", "--fail-on", "low")[0] == FINDINGS_AT_OR_ABOVE_FAIL_ON
    assert _scan(str(tmp_path), "--no-store", "--fail-on", "medium")[0] == OK


def test_partial_scan_has_its_own_exit_code_and_is_reported(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    code, out = _scan(str(tmp_path), "--no-store")
    assert code == PARTIAL_SCAN
    assert "Partial scan" in out and "symbolic link loop" in out
    _pickle_model(tmp_path / "m.pkl")
    assert _scan(str(tmp_path), "--no-store", "--fail-on", "low")[0] == PARTIAL_SCAN_AND_FINDINGS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/definitely/not/here"], "no such file or directory"),
        (["--fail-on", "sometimes", "."], "unknown severity"),
        (["--format", "xml", "."], "unknown format"),
    ],
)
def test_usage_errors_are_clear_and_not_tracebacks(args: list[str], message: str) -> None:
    code, out = _scan("--no-store", *args)
    assert code == USAGE_OR_CONFIG_ERROR
    assert message in out
    assert "Traceback" not in out


def test_bad_config_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "stackward.yaml"
    config.write_text("version: 1\nseverity_threshold: loud\n")
    code, out = _scan("--config", str(config), "--no-store", str(tmp_path))
    assert code == USAGE_OR_CONFIG_ERROR
    assert f"{config}:2: severity_threshold" in out


def test_suppression_hides_finding_until_expiry(tmp_path: Path) -> None:
    _pickle_model(tmp_path / "m.pkl")
    config = tmp_path / "stackward.yaml"
    config.write_text(
        "suppressions:\n  - rule: SW-MODEL-001\n    reason: legacy model, replaced next sprint\n"
        "    expires: 2999-01-01\n"
    )
    _, out = _scan("--config", str(config), "--no-store", "--format", "json", str(tmp_path))
    doc = json.loads(out)
    assert doc["findings"] == [] and doc["summary"]["suppressed"] == 1
    config.write_text(config.read_text().replace("2999-01-01", "2001-01-01"))
    _, out = _scan("--config", str(config), "--no-store", "--format", "json", str(tmp_path))
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["SW-MODEL-001"]


def test_init_writes_a_valid_commented_config(tmp_path: Path) -> None:
    target = tmp_path / "stackward.yaml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0 and target.read_text().startswith("# stackward configuration")
    assert runner.invoke(app, ["init", str(target)]).exit_code == USAGE_OR_CONFIG_ERROR
    code, _ = _scan("--config", str(target), "--no-store", str(tmp_path))
    assert code == OK


def test_checks_command_lists_registered_checks() -> None:
    result = runner.invoke(app, ["checks"])
    assert result.exit_code == 0 and "SW-MODEL-001" in result.output


def test_scan_writes_a_cyclonedx_bom_as_its_output_format(tmp_path: Path) -> None:
    out = tmp_path / "stack.cdx.json"
    code, _ = _scan(
        str(EXAMPLES / "ai-stack"), "--format", "cyclonedx", "-o", str(out), "--no-store"
    )
    assert code in (0, 3)
    bom = json.loads(out.read_text(encoding="utf-8"))
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    assert any(c["type"] == "machine-learning-model" for c in bom["components"])
