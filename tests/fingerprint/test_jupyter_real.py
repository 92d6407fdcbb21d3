"""A real Jupyter Server: without a token it is found open (kernels API), with a token only
identified. Every request the fingerprinter sends is recorded and must be a read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stackward.fingerprint import fingerprint_sync
from tests.fingerprint.jupyter import jupyter_available, jupyter_server
from tests.fingerprint.recording import RecordingClients

pytestmark = pytest.mark.skipif(not jupyter_available(), reason="jupyter_server not installed")


@pytest.fixture(scope="module")
def jupyter_ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    base = tmp_path_factory.mktemp("jupyter")
    with (
        jupyter_server(base / "open", "") as open_port,
        jupyter_server(base / "locked", "synthetic-test-token") as locked_port,
    ):
        yield {"open": open_port, "locked": locked_port}


@pytest.mark.parametrize(
    ("which", "exposed"),
    [pytest.param("open", True, id="empty-token"), pytest.param("locked", False, id="token")],
)
def test_real_jupyter_server(which: str, exposed: bool, jupyter_ports: dict[str, int]) -> None:
    import jupyter_server

    clients = RecordingClients()
    run = fingerprint_sync([f"127.0.0.1:{jupyter_ports[which]}"], client_factory=clients)
    (service,) = run.services
    assert service.rule.product == "jupyter_server"
    assert service.version == jupyter_server.__version__
    assert service.advisories == ()
    assert [e.request for e in service.exposures] == (["GET /api/kernels"] if exposed else [])
    if exposed:
        assert service.exposures[0].severity == "critical"
    assert clients.sent and {m for m, _ in clients.sent} <= {"GET", "HEAD"}


def test_token_never_leaves_the_test(jupyter_ports: dict[str, int], tmp_path: Path) -> None:
    clients = RecordingClients()
    fingerprint_sync([f"127.0.0.1:{jupyter_ports['locked']}"], client_factory=clients)
    assert all("token" not in url for _, url in clients.sent)
