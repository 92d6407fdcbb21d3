"""SW-SVC-001 and SW-SVC-002 over hand-built assets: positives, locked twins, malformed facts."""

from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.services.unauthenticated_service import (
    UnauthenticatedAIServiceCheck,
)
from stackward.checks.builtin.services.vulnerable_version import VulnerableAIServiceVersionCheck
from stackward.model import Asset, AssetKind, Layer, Severity
from tests.conftest import findings_of, graph_of


def _service(properties: dict[str, Any], asset_id: str = "service:http://10.0.0.5:8265") -> Asset:
    return Asset(
        id=asset_id,
        kind=AssetKind.AI_SERVICE,
        layer=Layer.CORE_AI,
        name="Ray at 10.0.0.5:8265",
        source="http://10.0.0.5:8265",
        properties={"product": "ray", "product_name": "Ray", **properties},
    )


def _exposure(severity: str, cve: str | None = None) -> dict[str, Any]:
    return {
        "request": "GET /api/jobs/",
        "status": 200,
        "severity": severity,
        "proves": "The Jobs API runs commands for anyone.",
        "summary": "HTTP 200, JSON list of 0",
        "cve": cve,
    }


@pytest.mark.parametrize(
    ("properties", "asset_id", "expected"),
    [
        pytest.param(
            {"exposures": [_exposure("critical", "CVE-2023-48022")]},
            None,
            [Severity.CRITICAL],
            id="ray-jobs-critical",
        ),
        pytest.param(
            {"exposures": [_exposure("high"), _exposure("critical")]},
            None,
            [Severity.CRITICAL],
            id="worst-of-several",
        ),
        pytest.param({"exposures": [_exposure("high")]}, None, [Severity.HIGH], id="high"),
        pytest.param({"exposures": []}, None, [], id="locked-twin"),
        pytest.param({}, None, [], id="no-facts"),
        pytest.param({"exposures": "GET /api/jobs/"}, None, [], id="malformed-string"),
        pytest.param(
            {"exposures": [_exposure("high")]},
            "k8s:deployment/ml/ray",
            [],
            id="not-a-fingerprinted-asset",
        ),
        pytest.param(
            {"exposures": [_exposure("bogus")]}, None, [Severity.HIGH], id="unknown-severity"
        ),
    ],
)
def test_unauthenticated_service(
    properties: dict[str, Any], asset_id: str | None, expected: list[Severity]
) -> None:
    asset = _service(properties, asset_id or "service:http://10.0.0.5:8265")
    findings = findings_of(UnauthenticatedAIServiceCheck, graph_of([asset]))
    assert [f.severity for f in findings] == expected
    for finding in findings:
        assert "GET /api/jobs/" in finding.evidence.snippet


def _advisory(cve: str, severity: str = "critical") -> dict[str, Any]:
    return {
        "cve": cve,
        "severity": severity,
        "advisory": f"https://nvd.nist.gov/vuln/detail/{cve}",
        "summary": "Path traversal on model pull.",
        "affected": "<0.1.34",
    }


@pytest.mark.parametrize(
    ("advisories", "expected"),
    [
        pytest.param(
            [_advisory("CVE-2024-37032")], [("CVE-2024-37032", Severity.CRITICAL)], id="one"
        ),
        pytest.param(
            [_advisory("CVE-2023-1177"), _advisory("CVE-2023-39968", "medium")],
            [("CVE-2023-1177", Severity.CRITICAL), ("CVE-2023-39968", Severity.MEDIUM)],
            id="two",
        ),
        pytest.param([], [], id="patched-twin"),
        pytest.param([{"severity": "high"}], [], id="entry-without-cve"),
        pytest.param(None, [], id="no-facts"),
    ],
)
def test_vulnerable_version(
    advisories: list[dict[str, Any]] | None, expected: list[tuple[str, Severity]]
) -> None:
    properties = {"version": "0.1.32"} | ({} if advisories is None else {"advisories": advisories})
    findings = findings_of(VulnerableAIServiceVersionCheck, graph_of([_service(properties)]))
    assert [(f.evidence.key, f.severity) for f in findings] == expected
    for finding in findings:
        assert finding.evidence.key in finding.evidence.snippet
        assert "https://nvd.nist.gov/" in finding.evidence.snippet
