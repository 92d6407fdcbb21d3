from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.notebooks.pii_in_saved_output import PiiInNotebookOutputCheck
from stackward.model import AssetKind, Severity
from tests.checks.builtin.files.assets import file_asset
from tests.conftest import findings_of, graph_of


def record(data_class: str, cell: int, line: int, shape: str, count: int = 1) -> dict[str, Any]:
    return {
        "class": data_class,
        "count": count,
        "cell": cell,
        "line": line,
        "confidence": 0.95,
        "detector": data_class,
        "shape": shape,
    }


SSN = record("pii.national_id.us_ssn", 3, 2, "999-99-9999", count=5)
CARD = record("pii.payment_card", 4, 7, "9999 9999 9999 9999")
EMAIL = record("pii.email", 3, 2, "xxxxx.xxxxxx@xxxx.xx", count=5)
PHONE = record("pii.phone", 3, 2, "(999) 999-9999")


@pytest.mark.parametrize(
    ("outputs", "sources", "expected"),
    [
        pytest.param(
            [SSN, EMAIL],
            [],
            [("pii.national_id.us_ssn:3", Severity.HIGH), ("pii.email:3", Severity.MEDIUM)],
            id="printed-customers",
        ),
        pytest.param([CARD], [], [("pii.payment_card:4", Severity.HIGH)], id="card-is-high"),
        pytest.param([PHONE], [], [("pii.phone:3", Severity.MEDIUM)], id="phone-is-medium"),
        pytest.param([], [SSN, EMAIL], [], id="source-records-are-not-outputs"),
        pytest.param([], [], [], id="outputs-cleared"),
        pytest.param(["not a record", {"count": 3}, {"class": 7}], [], [], id="malformed-records"),
        pytest.param("pii.email", [], [], id="property-not-a-list"),
    ],
)
def test_pii_in_saved_output(
    outputs: object, sources: object, expected: list[tuple[str, Severity]]
) -> None:
    asset = file_asset(
        AssetKind.NOTEBOOK, "nb.ipynb", pii_in_outputs=outputs, pii_in_sources=sources
    )
    findings = findings_of(PiiInNotebookOutputCheck, graph_of([asset]))
    assert [(f.evidence.key, f.severity) for f in findings] == expected
    assert all(f.rule_id == "SW-NB-003" for f in findings)


def test_evidence_names_cell_line_class_and_shape_only() -> None:
    leaked = dict(SSN, shape="536-22-1845")  # a value where a shape belongs is masked again
    asset = file_asset(AssetKind.NOTEBOOK, "nb.ipynb", pii_in_outputs=[leaked])
    (finding,) = findings_of(PiiInNotebookOutputCheck, graph_of([asset]))
    assert finding.evidence.line == 2
    assert finding.evidence.location == "stack/nb.ipynb"
    assert finding.evidence.snippet == (
        "pii.national_id.us_ssn in cell 3 output, line 2: 999-99-9999"
    )
    assert "536-22-1845" not in repr(finding)
    assert "5 occurrence(s)" in finding.title
