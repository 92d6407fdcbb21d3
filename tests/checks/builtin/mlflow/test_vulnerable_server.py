from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.mlflow.vulnerable_server import VulnerableMlflowServerCheck
from stackward.collectors.mlflow.advisories import affecting
from stackward.model import Asset, AssetKind, Layer, Severity
from tests.conftest import findings_of, graph_of


def _server(version: str, advisories: Any = None) -> Asset:
    return Asset(
        id="mlflow:h:80",
        kind=AssetKind.AI_SERVICE,
        layer=Layer.CORE_AI,
        name="MLflow",
        source="http://h",
        properties={
            "service": "mlflow",
            "version": version,
            "advisories": (
                [a.as_dict() for a in affecting(version)] if advisories is None else advisories
            ),
        },
    )


@pytest.mark.parametrize(
    ("asset", "expected"),
    [
        pytest.param(
            _server("2.3.0"),
            [
                ("CVE-2023-2780", Severity.CRITICAL),
                ("CVE-2023-6831", Severity.HIGH),
                ("CVE-2023-6753", Severity.CRITICAL),
                ("CVE-2024-1483", Severity.HIGH),
            ],
            id="2.3.0",
        ),
        pytest.param(_server("2.9.2"), [("CVE-2024-1483", Severity.HIGH)], id="2.9.2"),
        pytest.param(_server("3.17.2"), [], id="current"),
        pytest.param(_server("2.0.0", advisories="junk"), [], id="malformed-property"),
    ],
)
def test_vulnerable_server(asset: Asset, expected: list[tuple[str, Severity]]) -> None:
    findings = findings_of(VulnerableMlflowServerCheck, graph_of([asset]))
    assert [(f.evidence.key, f.severity) for f in findings] == expected
