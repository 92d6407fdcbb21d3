from __future__ import annotations

import pytest

from stackward.checks.builtin.notebooks.secret_in_code_cell import SecretInNotebookCodeCheck
from stackward.model import AssetKind, Severity
from tests.checks.builtin.files.assets import file_asset, secret
from tests.conftest import findings_of, graph_of

CODE = secret("aws_access_key_id", 3, 'key="AKIA********(20 chars)"', cell=1, where="code")
OUTPUT = secret("github_token", 1, "GITHUB_TOKEN=ghp_********(40 chars)", cell=2, where="output")


@pytest.mark.parametrize(
    ("secrets", "expected"),
    [
        ([CODE], [("cell 1, line 3", "aws_access_key_id:1:3")]),
        ([CODE, OUTPUT], [("cell 1, line 3", "aws_access_key_id:1:3")]),
        ([OUTPUT], []),
        ([], []),
        ("not a list", []),
    ],
)
def test_secret_in_code_cell(secrets: object, expected: list[tuple[str, str]]) -> None:
    asset = file_asset(AssetKind.NOTEBOOK, "nb.ipynb", secrets=secrets)
    findings = findings_of(SecretInNotebookCodeCheck, graph_of([asset]))
    assert [(f.title.rsplit(" at ", 1)[-1], f.evidence.key) for f in findings] == expected
    for finding in findings:
        assert finding.rule_id == "SW-NB-001"
        assert finding.severity is Severity.HIGH
        assert finding.evidence.line == 3


def test_only_notebooks_are_inspected() -> None:
    asset = file_asset(AssetKind.SOURCE_FILE, "x.py", secrets=[CODE])
    assert findings_of(SecretInNotebookCodeCheck, graph_of([asset])) == []
