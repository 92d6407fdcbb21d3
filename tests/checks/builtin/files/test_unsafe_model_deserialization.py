from __future__ import annotations

import pytest

from stackward.checks.builtin.files.unsafe_model_deserialization import (
    UnsafeModelDeserializationCheck,
)
from stackward.model import AssetKind, Severity
from tests.checks.builtin.files.assets import file_asset
from tests.conftest import findings_of, graph_of


def _load(kind: str, **extra: object) -> dict[str, object]:
    return {"kind": kind, "line": 5, "snippet": "x", **extra}


@pytest.mark.parametrize(
    ("loads", "severities"),
    [
        ([_load("torch_load_without_weights_only", weights_only="omitted")], [Severity.MEDIUM]),
        ([_load("torch_load_without_weights_only", weights_only="false")], [Severity.HIGH]),
        ([_load("pickle_load", model_path=True)], [Severity.MEDIUM]),
        ([_load("pickle_load", model_path=False)], []),
        ([_load("trust_remote_code")], []),
        ([], []),
    ],
)
def test_unsafe_model_deserialization(
    loads: list[dict[str, object]], severities: list[Severity]
) -> None:
    asset = file_asset(AssetKind.SOURCE_FILE, "serve.py", unsafe_loads=loads)
    findings = findings_of(UnsafeModelDeserializationCheck, graph_of([asset]))
    assert [f.severity for f in findings] == severities
    assert all(f.rule_id == "SW-FILE-004" for f in findings)
