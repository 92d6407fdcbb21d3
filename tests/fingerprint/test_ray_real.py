"""A real Ray head node: without authentication its Jobs API answers anybody (critical, the
by-design exposure of CVE-2023-48022); with token authentication (``RAY_AUTH_MODE=token``) it
is identified from its dashboard page but not open. Every request sent must be a read."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import version

import pytest

from stackward.fingerprint import fingerprint_sync
from tests.fingerprint.ray_head import ray_available, ray_heads
from tests.fingerprint.recording import RecordingClients

pytestmark = pytest.mark.skipif(not ray_available(), reason="ray[default] not installed")

SYNTHETIC_TOKEN = "synthetic0ray0token0" + "0123456789abcdef" * 2


@pytest.fixture(scope="module")
def ray_ports() -> Iterator[dict[str, int]]:
    with ray_heads("", SYNTHETIC_TOKEN) as (open_port, token_port):
        yield {"open": open_port, "token": token_port}


@pytest.mark.parametrize(
    ("which", "exposed"),
    [pytest.param("open", True, id="no-auth"), pytest.param("token", False, id="token-auth")],
)
def test_real_ray_head(which: str, exposed: bool, ray_ports: dict[str, int]) -> None:
    clients = RecordingClients()
    run = fingerprint_sync([f"127.0.0.1:{ray_ports[which]}"], client_factory=clients)
    assert run.problems == []
    (service,) = run.services
    assert service.rule.product == "ray"
    # with token authentication /api/version answers 401: no version can be read
    assert service.version == (version("ray") if exposed else None)
    assert service.advisories == ()
    if exposed:
        (exposure,) = service.exposures
        assert exposure.request == "GET /api/jobs/"
        assert exposure.severity == "critical"
        assert exposure.cve == "CVE-2023-48022"
        assert exposure.summary == "HTTP 200, JSON list of 0"
        assert service.identified_by == ("GET /api/version",)
    else:
        assert service.exposures == ()
        assert service.identified_by == ("GET /",)
    assert clients.sent and {m for m, _ in clients.sent} <= {"GET", "HEAD"}


def test_token_never_leaves_the_test(ray_ports: dict[str, int]) -> None:
    clients = RecordingClients()
    fingerprint_sync([f"127.0.0.1:{ray_ports['token']}"], client_factory=clients)
    assert clients.sent
    assert all(SYNTHETIC_TOKEN not in url for _, url in clients.sent)
