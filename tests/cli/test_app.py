"""The command table: one command's modules load, help lists every command."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackward.cli.app import COMMANDS, build_app, commands_for


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["scan-model", "x.pt"], ["scan-model"]),
        (["scan", "."], ["scan"]),
        (["checks"], ["checks"]),
        ([], list(COMMANDS)),
        (["--help"], list(COMMANDS)),
        (["--version"], list(COMMANDS)),
        (["no-such-command"], list(COMMANDS)),
    ],
)
def test_commands_for(argv: list[str], expected: list[str]) -> None:
    assert commands_for(argv) == expected


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(build_app(), ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(build_app(commands_for(["bogus"])), ["bogus"])
    assert result.exit_code == 2


_PROBE = """
import contextlib, io, json, sys
sys.argv = ["stackward", "scan-model", "--no-store", "--format", "json", sys.argv[1]]
from stackward.cli.app import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main()
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "report": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def test_scan_model_loads_only_what_a_model_scan_needs(tmp_path: Path) -> None:
    model = tmp_path / "weights.pkl"
    model.write_bytes(pickle.dumps({"w": [1.0, 2.0]}, protocol=4))
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(model)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        timeout=120,
    )
    probe = json.loads(proc.stdout)
    assert probe["code"] == 0
    assert json.loads(probe["report"])["artifacts"]
    modules = set(probe["modules"])
    assert "stackward.artifacts.scanner" in modules
    not_needed = {
        "stackward.cli.scan_cmd",
        "stackward.report.console",
        "stackward.report.html",
        "stackward.collectors.files.notebooks",
        "stackward.collectors.files.datasets",
        "stackward.checks.builtin.kubernetes",
        "rich.table",
    }
    assert not (modules & not_needed)
