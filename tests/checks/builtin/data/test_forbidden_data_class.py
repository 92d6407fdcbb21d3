from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.data.forbidden_data_class import ForbiddenDataClassCheck
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Severity


def _asset(violations: Any) -> Asset:
    return Asset(
        id="data:s3://t::a.csv",
        kind=AssetKind.DATASET,
        layer=Layer.DATA_FOUNDATION,
        name="a.csv",
        source="s3://t :: a.csv",
        properties={"path": "s3://t/a.csv", "policy_violations": violations},
    )


@pytest.mark.parametrize(
    ("violations", "expected"),
    [
        pytest.param([], [], id="none"),
        pytest.param("garbage", [], id="malformed"),
        pytest.param(
            [
                {
                    "policy": "training",
                    "data_class": "secret.private_key",
                    "count": 1,
                    "confidence": 0.99,
                    "fields": [],
                    "lines": [12],
                }
            ],
            [(Severity.CRITICAL, 12)],
            id="secret-line",
        ),
        pytest.param(
            [
                {
                    "policy": "training",
                    "data_class": "pii.national_id.us_ssn",
                    "count": 40,
                    "confidence": 0.97,
                    "fields": ["ssn"],
                    "lines": [],
                }
            ],
            [(Severity.HIGH, None)],
            id="pii-field",
        ),
    ],
)
def test_policy_violations_become_findings(
    violations: Any, expected: list[tuple[Severity, int | None]]
) -> None:
    check = ForbiddenDataClassCheck()
    found = list(check.evaluate(_asset(violations), InventoryGraph()))
    assert [(v.severity, v.evidence.line) for v in found] == expected
    for violation in found:
        assert "policy 'training' forbids it" in violation.detail
