from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackward.checks.builtin.notebooks.pii_in_saved_output import PiiInNotebookOutputCheck
from stackward.checks.builtin.notebooks.pii_in_source import PiiInNotebookSourceCheck
from stackward.collectors.files.collector import file_asset as collected_asset
from stackward.collectors.files.notebooks import read_notebook
from stackward.collectors.walk import walk_tree
from stackward.model import AssetKind, Severity
from tests.checks.builtin.files.assets import file_asset
from tests.checks.builtin.notebooks.test_pii_in_saved_output import CARD, EMAIL, SSN
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("sources", "outputs", "expected"),
    [
        pytest.param(
            [SSN, EMAIL],
            [],
            [("pii.national_id.us_ssn:3", Severity.MEDIUM), ("pii.email:3", Severity.LOW)],
            id="pasted-record",
        ),
        pytest.param([CARD], [], [("pii.payment_card:4", Severity.MEDIUM)], id="card-is-medium"),
        pytest.param([], [SSN, CARD], [], id="output-records-are-not-sources"),
        pytest.param([], [], [], id="clean"),
        pytest.param([None, {"class": None}], [], [], id="malformed-records"),
    ],
)
def test_pii_in_source(
    sources: object, outputs: object, expected: list[tuple[str, Severity]]
) -> None:
    asset = file_asset(
        AssetKind.NOTEBOOK, "nb.ipynb", pii_in_outputs=outputs, pii_in_sources=sources
    )
    findings = findings_of(PiiInNotebookSourceCheck, graph_of([asset]))
    assert [(f.evidence.key, f.severity) for f in findings] == expected
    assert all(f.rule_id == "SW-NB-004" for f in findings)


def _notebook(source: list[str], output: list[str]) -> dict[str, object]:
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": source,
        "outputs": [{"output_type": "stream", "name": "stdout", "text": output}] if output else [],
    }
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}


@pytest.mark.parametrize(
    ("source", "output", "rules"),
    [
        pytest.param(
            ["customers.head()"],
            [
                "name   email                  ssn\n",
                "Ana Ruiz  ana.ruiz@brightmail.io  536-22-1845\n",
            ],
            {("SW-NB-003", "pii.email:0"), ("SW-NB-003", "pii.national_id.us_ssn:0")},
            id="planted-output",
        ),
        pytest.param(["customers.head()"], [], set(), id="locked-down-twin-outputs-cleared"),
        pytest.param(
            ["ssn = '536-22-1845'  # taxpayer on file\n"],
            [],
            {("SW-NB-004", "pii.national_id.us_ssn:0")},
            id="planted-source",
        ),
        pytest.param(
            ["ssn = os.environ['TEST_SSN']\n"], ["ssn set\n"], set(), id="locked-down-source"
        ),
    ],
)
def test_collected_notebook_to_findings(
    tmp_path: Path, source: list[str], output: list[str], rules: set[tuple[str, str]]
) -> None:
    """The files collector's reading of a real .ipynb file, turned into an asset, checked."""
    (tmp_path / "nb.ipynb").write_text(json.dumps(_notebook(source, output)), encoding="utf-8")
    (entry,) = walk_tree(tmp_path).files
    reading = read_notebook(entry, 1024 * 1024)
    graph = graph_of([collected_asset(entry, **reading.properties)])
    found = {
        (f.rule_id, f.evidence.key)
        for check in (PiiInNotebookOutputCheck, PiiInNotebookSourceCheck)
        for f in findings_of(check, graph)
    }
    assert found == rules
