"""Golden files: the exact SARIF and OCSF output for the fixture scan, so every change to a
format shows up as a reviewable diff. Regenerate with ``STACKWARD_UPDATE_GOLDEN=1 pytest``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stackward import __version__
from stackward.report.interface import Reporter
from stackward.report.ocsf import OcsfReporter
from stackward.report.sarif import SarifReporter
from tests.report.scan_fixture import stack_scan

GOLDEN = Path(__file__).parent / "golden"
VERSION_TOKEN = "0.0.0-golden"


def normalised(text: str) -> str:
    """Output with the tool version pinned, so a release does not rewrite the golden files."""
    return text.replace(f'"{__version__}"', f'"{VERSION_TOKEN}"')


@pytest.mark.parametrize(
    ("reporter", "name"),
    [(SarifReporter(), "stack.sarif"), (OcsfReporter(), "stack.ocsf.jsonl")],
    ids=["sarif", "ocsf"],
)
def test_output_matches_golden_file(reporter: Reporter, name: str) -> None:
    actual = normalised(reporter.render(stack_scan()))
    golden = GOLDEN / name
    if os.environ.get("STACKWARD_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")
