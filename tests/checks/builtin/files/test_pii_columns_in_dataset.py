from __future__ import annotations

import pytest

from stackward.checks.builtin.files.pii_columns_in_dataset import PiiColumnsInDatasetCheck
from stackward.model import AssetKind, Severity
from tests.checks.builtin.files.assets import file_asset
from tests.conftest import findings_of, graph_of


@pytest.mark.parametrize(
    ("pii", "expected"),
    [
        ([{"column": "email", "category": "email"}], "columns: email (email)"),
        (
            [{"column": "ssn", "category": "ssn"}, {"column": "dob", "category": "date_of_birth"}],
            "columns: ssn (ssn), dob (date_of_birth)",
        ),
        ([], None),
        (None, None),
        ("email", None),
    ],
)
def test_pii_columns_in_dataset(pii: object, expected: str | None) -> None:
    props = {} if pii is None else {"pii_columns": pii}
    asset = file_asset(AssetKind.DATASET, "people.csv", **props)
    findings = findings_of(PiiColumnsInDatasetCheck, graph_of([asset]))
    assert [f.evidence.snippet for f in findings] == ([expected] if expected else [])
    for finding in findings:
        assert finding.rule_id == "SW-DATA-001"
        assert finding.severity is Severity.LOW
