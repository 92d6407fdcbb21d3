"""A real Gradio app: launched without ``auth=`` it is found open (its config and event API
answer anybody), launched with ``auth=`` it is identified from its login page but not open.
Every request the fingerprinter sends is recorded and must be a read."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import version

import pytest

from stackward.fingerprint import fingerprint_sync
from tests.fingerprint.gradio_app import SYNTHETIC_LOGIN, gradio_app, gradio_available
from tests.fingerprint.recording import RecordingClients

pytestmark = pytest.mark.skipif(not gradio_available(), reason="gradio not installed")


@pytest.fixture(scope="module")
def gradio_ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    base = tmp_path_factory.mktemp("gradio")
    with (
        gradio_app(base / "open", None) as open_port,
        gradio_app(base / "login", SYNTHETIC_LOGIN) as login_port,
    ):
        yield {"open": open_port, "login": login_port}


@pytest.mark.parametrize(
    ("which", "exposed"),
    [pytest.param("open", True, id="no-auth"), pytest.param("login", False, id="auth")],
)
def test_real_gradio_app(which: str, exposed: bool, gradio_ports: dict[str, int]) -> None:
    clients = RecordingClients()
    run = fingerprint_sync([f"127.0.0.1:{gradio_ports[which]}"], client_factory=clients)
    assert run.problems == []
    (service,) = run.services
    assert service.rule.product == "gradio"
    # the login page states no version: only the open app can be versioned
    assert service.version == (version("gradio") if exposed else None)
    assert service.advisories == ()
    assert [e.request for e in service.exposures] == (["GET /config"] if exposed else [])
    if exposed:
        assert service.exposures[0].severity == "high"
        assert service.identified_by == ("GET /config",)
    else:
        assert service.identified_by == ("GET /",)
    assert clients.sent and {m for m, _ in clients.sent} <= {"GET", "HEAD"}


def test_login_never_leaves_the_test(gradio_ports: dict[str, int]) -> None:
    clients = RecordingClients()
    fingerprint_sync([f"127.0.0.1:{gradio_ports['login']}"], client_factory=clients)
    user, password = SYNTHETIC_LOGIN
    assert clients.sent
    assert all(user not in url and password not in url for _, url in clients.sent)
