"""The ``fingerprint`` collector end to end: config endpoints → assets → SW-SVC findings,
against replayed product answers on loopback (the products cannot run here)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stackward.checks.builtin.services.unauthenticated_service import (
    UnauthenticatedAIServiceCheck,
)
from stackward.checks.builtin.services.vulnerable_version import VulnerableAIServiceVersionCheck
from stackward.collectors.base import CollectContext, load_collectors
from stackward.collectors.fingerprint import FingerprintCollector
from stackward.config.schema import ScanConfig
from stackward.model import AssetKind, Layer, Severity
from tests.conftest import findings_of, graph_of
from tests.fingerprint.replay import ReplayServer, free_ports

Replay = tuple[ReplayServer, dict[str, int]]


def _collect(endpoints: list[str]):  # type: ignore[no-untyped-def]
    config = ScanConfig.model_validate({"services": {"endpoints": endpoints}})
    return FingerprintCollector().collect(CollectContext(config=config, files=()))


def test_collector_is_registered() -> None:
    assert "fingerprint" in {c.name for c in load_collectors()}


def test_no_endpoints_means_no_requests() -> None:
    result = _collect([])
    assert (result.assets, result.skipped) == ([], [])


def test_unknown_config_key_is_an_error() -> None:
    with pytest.raises(ValidationError):
        ScanConfig.model_validate({"services": {"endpoints": [], "probe_everything": True}})


@pytest.mark.parametrize(
    ("case", "kind", "layer", "unauth", "vuln"),
    [
        pytest.param(
            "ollama-open-old",
            AssetKind.LLM_SERVICE,
            Layer.CORE_AI,
            Severity.CRITICAL,
            ["CVE-2024-37032"],
            id="ollama-old-open",
        ),
        pytest.param(
            "ollama-open-fixed",
            AssetKind.LLM_SERVICE,
            Layer.CORE_AI,
            Severity.CRITICAL,
            [],
            id="ollama-fixed-open",
        ),
        pytest.param(
            "ray-dashboard-open",
            AssetKind.AI_SERVICE,
            Layer.CORE_AI,
            Severity.CRITICAL,
            [],
            id="ray-jobs-open",
        ),
        pytest.param(
            "gradio-open-vulnerable",
            AssetKind.AI_SERVICE,
            Layer.CORE_AI,
            Severity.HIGH,
            ["CVE-2023-51449"],
            id="gradio-open-vulnerable",
        ),
        pytest.param(
            "qdrant-open",
            AssetKind.VECTOR_STORE,
            Layer.CORE_AI,
            Severity.HIGH,
            [],
            id="qdrant-open",
        ),
        pytest.param(
            "mlflow-open-old",
            AssetKind.MODEL_REGISTRY,
            Layer.CORE_AI,
            Severity.HIGH,
            ["CVE-2023-1177", "CVE-2023-2780", "CVE-2023-6831", "CVE-2023-6753", "CVE-2024-1483"],
            id="mlflow-open-old",
        ),
        pytest.param(
            "jupyterhub-locked",
            AssetKind.NOTEBOOK_INSTANCE,
            Layer.EXPERIMENTATION,
            None,
            [],
            id="jupyterhub-locked",
        ),
        pytest.param(
            "litellm-master-key",
            AssetKind.LLM_SERVICE,
            Layer.CORE_AI,
            None,
            [],
            id="litellm-locked",
        ),
    ],
)
def test_assets_and_findings(
    case: str,
    kind: AssetKind,
    layer: Layer,
    unauth: Severity | None,
    vuln: list[str],
    replay: Replay,
) -> None:
    _, ports = replay
    result = _collect([f"127.0.0.1:{ports[case]}"])
    (asset,) = result.assets
    assert (asset.kind, asset.layer) == (kind, layer)
    assert asset.id == f"service:http://127.0.0.1:{ports[case]}"
    graph = graph_of(result.assets)
    unauth_findings = findings_of(UnauthenticatedAIServiceCheck, graph)
    assert [f.severity for f in unauth_findings] == ([unauth] if unauth else [])
    vuln_findings = findings_of(VulnerableAIServiceVersionCheck, graph)
    assert [f.evidence.key for f in vuln_findings] == vuln
    for finding in vuln_findings:
        assert finding.evidence.key in finding.evidence.snippet
        assert "https://" in finding.evidence.snippet


def test_unreachable_and_unknown_endpoints_are_skipped_not_dropped(replay: Replay) -> None:
    _, ports = replay
    (closed,) = free_ports(1)
    result = _collect(
        [f"127.0.0.1:{closed}", f"127.0.0.1:{ports['nginx-default-page']}", "not a target"]
    )
    assert result.assets == []
    assert len(result.skipped) == 3
    assert all(s.collector == "fingerprint" for s in result.skipped)
