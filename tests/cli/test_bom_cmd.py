"""``stackward bom`` end to end on small real trees."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from cyclonedx.validation.xml import XmlValidator
from typer.testing import CliRunner

from stackward.cli.app import COMMANDS, app
from stackward.cli.exit_codes import OK, PARTIAL_SCAN, USAGE_OR_CONFIG_ERROR

runner = CliRunner()


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    root = tmp_path / "stack"
    root.mkdir()
    # Plain data only: harmless even if someone loads it.
    (root / "model.pkl").write_bytes(pickle.dumps({"weights": [0.1, 0.2]}, protocol=4))
    (root / "train.py").write_text("import torch\nimport numpy\n", encoding="utf-8")
    return root


def test_bom_is_a_registered_command() -> None:
    assert "bom" in COMMANDS


def test_json_to_stdout_is_valid_and_lists_the_model(stack: Path) -> None:
    result = runner.invoke(app, ["bom", str(stack), "--deterministic"])
    assert result.exit_code == OK, result.output
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(result.stdout) is None
    document = json.loads(result.stdout)
    types = {c["bom-ref"]: c["type"] for c in document["components"]}
    assert types["file:stack/model.pkl"] == "machine-learning-model"
    assert types["pkg:pypi/torch"] == "library"


def test_xml_to_file_is_valid(stack: Path, tmp_path: Path) -> None:
    out = tmp_path / "bom.xml"
    result = runner.invoke(app, ["bom", str(stack), "--format", "xml", "-o", str(out)])
    assert result.exit_code == OK, result.output
    assert result.stdout == ""
    assert XmlValidator(SchemaVersion.V1_6).validate_str(out.read_text(encoding="utf-8")) is None


@pytest.mark.parametrize(
    ("flag", "same"), [("--deterministic", True), (None, False)], ids=["deterministic", "random"]
)
def test_serial_number_is_stable_only_when_asked(stack: Path, flag: str | None, same: bool) -> None:
    args = ["bom", str(stack), *([flag] if flag else [])]
    serials = {json.loads(runner.invoke(app, args).stdout)["serialNumber"] for _ in range(2)}
    assert (len(serials) == 1) is same


@pytest.mark.parametrize(
    "args",
    [["bom", "/nonexistent/stack"], ["bom", "--format", "yaml"]],
    ids=["missing-path", "unknown-format"],
)
def test_usage_errors(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == USAGE_OR_CONFIG_ERROR


def test_unreadable_input_still_writes_the_bom_and_exits_partial(stack: Path) -> None:
    (stack / "broken.ipynb").write_text("{ not json", encoding="utf-8")
    result = runner.invoke(app, ["bom", str(stack)])
    assert result.exit_code == PARTIAL_SCAN
    assert json.loads(result.stdout)["specVersion"] == "1.6"
    assert "incomplete" in result.stderr


def test_unwritable_output_is_a_clear_error(stack: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["bom", str(stack), "-o", str(tmp_path / "no" / "bom.json")])
    assert result.exit_code == USAGE_OR_CONFIG_ERROR
    assert "cannot write" in result.stderr
