from __future__ import annotations

import pytest

from stackward.checks.builtin.notebooks.secret_in_saved_output import SecretInNotebookOutputCheck
from stackward.model import AssetKind
from tests.checks.builtin.files.assets import file_asset, secret
from tests.conftest import findings_of, graph_of

CODE = secret("aws_access_key_id", 3, 'key="AKIA********(20 chars)"', cell=1, where="code")
OUTPUT = secret("huggingface_token", 1, "HF_TOKEN=hf_k********(37 chars)", cell=4, where="output")


@pytest.mark.parametrize(
    ("secrets", "keys"),
    [
        ([OUTPUT], ["huggingface_token:4:1"]),
        ([CODE, OUTPUT], ["huggingface_token:4:1"]),
        ([CODE], []),
        ([], []),
    ],
)
def test_secret_in_saved_output(secrets: list[dict[str, object]], keys: list[str]) -> None:
    asset = file_asset(AssetKind.NOTEBOOK, "nb.ipynb", secrets=secrets)
    findings = findings_of(SecretInNotebookOutputCheck, graph_of([asset]))
    assert [f.evidence.key for f in findings] == keys
    assert all(f.rule_id == "SW-NB-002" for f in findings)
