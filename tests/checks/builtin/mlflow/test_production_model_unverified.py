from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.mlflow.production_model_unverified import (
    UnverifiedProductionModelCheck,
)
from stackward.model import Asset, AssetKind, Layer, Severity
from tests.conftest import findings_of, graph_of

CODE_EXEC = {"kind": "code_execution", "severity": "critical", "member": "model.pkl"}
UNSCANNABLE = {"kind": "unscannable", "severity": "high", "member": "x.bin"}
LOW = {"kind": "unapproved_import", "severity": "low", "member": "model.pkl"}
VERIFIED = {"status": "verified"}


def _version(**props: Any) -> Asset:
    base: dict[str, Any] = {
        "service": "mlflow",
        "aliases": ["production"],
        "stage": "None",
        "production": True,
        "artifact_scan": "scanned",
        "artifact_issues": [],
        "signature": VERIFIED,
    }
    return Asset(
        id="mlflow:h:80/model/m/1",
        kind=AssetKind.MODEL_ARTIFACT,
        layer=Layer.CORE_AI,
        name="m v1",
        source="http://h",
        properties={**base, **props},
    )


@pytest.mark.parametrize(
    ("asset", "expected"),
    [
        pytest.param(_version(), [], id="scanned-signed-clean"),
        pytest.param(
            _version(artifact_scan="not scanned", artifact_scan_reason="files elsewhere"),
            [("unscanned", Severity.HIGH)],
            id="not-scanned",
        ),
        pytest.param(_version(artifact_scan=None), [("unscanned", Severity.HIGH)], id="no-result"),
        pytest.param(_version(signature=None), [("unsigned", Severity.MEDIUM)], id="unsigned"),
        pytest.param(
            _version(signature={"status": "unverified"}),
            [("unsigned", Severity.MEDIUM)],
            id="signature-unverified",
        ),
        pytest.param(
            _version(artifact_issues=[CODE_EXEC]),
            [("unsafe", Severity.CRITICAL)],
            id="code-execution",
        ),
        pytest.param(_version(artifact_issues=[LOW, UNSCANNABLE]), [], id="low-and-unscannable"),
        pytest.param(
            _version(aliases=[], stage="Production", signature=None),
            [("unsigned", Severity.MEDIUM)],
            id="production-stage",
        ),
        pytest.param(
            _version(aliases=["staging"], production=False, artifact_scan=None), [], id="staging"
        ),
        pytest.param(_version(service="other", artifact_scan=None), [], id="other-service"),
    ],
)
def test_production_model(asset: Asset, expected: list[tuple[str, Severity]]) -> None:
    findings = findings_of(UnverifiedProductionModelCheck, graph_of([asset]))
    assert [(f.evidence.key, f.severity) for f in findings] == expected
