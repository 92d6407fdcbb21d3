from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.mlflow.unauthenticated_server import (
    UnauthenticatedMlflowServerCheck,
)
from stackward.model import Asset, AssetKind, Layer, Severity
from tests.conftest import findings_of, graph_of


def _server(auth: Any, exposed: bool, service: str = "mlflow") -> Asset:
    return Asset(
        id="mlflow:mlflow.example:443",
        kind=AssetKind.AI_SERVICE,
        layer=Layer.CORE_AI,
        name="MLflow",
        source="https://mlflow.example",
        properties={"service": service, "auth_required": auth, "address": "203.0.113.9"},
        internet_exposed=exposed,
    )


@pytest.mark.parametrize(
    ("asset", "expected"),
    [
        pytest.param(_server(False, False), [Severity.HIGH], id="open-internal-high"),
        pytest.param(_server(False, True), [Severity.CRITICAL], id="open-internet-critical"),
        pytest.param(_server(True, True), [], id="auth-required"),
        pytest.param(_server(None, True), [], id="auth-unknown"),
        pytest.param(_server(False, True, service="ray"), [], id="other-service"),
    ],
)
def test_unauthenticated_server(asset: Asset, expected: list[Severity]) -> None:
    findings = findings_of(UnauthenticatedMlflowServerCheck, graph_of([asset]))
    assert [f.severity for f in findings] == expected
