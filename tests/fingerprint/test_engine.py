"""The engine against replayed product answers on loopback ports (products that cannot run
here: GPU servers, clusters, container-only apps) and against closed and hanging ports."""

from __future__ import annotations

import httpx
import pytest

from stackward.fingerprint import fingerprint_sync
from stackward.fingerprint.http import MAX_BODY_BYTES
from tests.fingerprint.profiles import CASES
from tests.fingerprint.recording import RecordingClients
from tests.fingerprint.replay import ReplayServer, ReplayThread, free_ports, json_answer

Replay = tuple[ReplayServer, dict[str, int]]


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_product_identification(name: str, replay: Replay) -> None:
    server, ports = replay
    case = CASES[name]
    clients = RecordingClients()
    run = fingerprint_sync([f"127.0.0.1:{ports[name]}"], client_factory=clients)
    if case.product is None:
        assert run.services == []
        assert len(run.problems) == 1
        assert "matches no known AI service" in run.problems[0][1]
    else:
        (service,) = run.services
        assert service.rule.product == case.product
        assert service.version == case.version
        assert bool(service.exposures) is case.exposed
        assert tuple(a.cve for a in service.advisories) == case.cves
    assert clients.sent
    assert {method for method, _ in clients.sent} <= {"GET", "HEAD"}
    logged = {method for port, method, _ in server.log if port == ports[name]}
    assert logged and logged <= {"GET", "HEAD"}


def test_every_request_the_server_saw_was_a_read(replay: Replay) -> None:
    server, ports = replay
    targets = [f"127.0.0.1:{ports[n]}" for n in CASES]
    clients = RecordingClients()
    run = fingerprint_sync(targets, concurrency=8, client_factory=clients)
    assert len(run.services) == sum(1 for c in CASES.values() if c.product)
    assert len(clients.sent) == run.requests_sent
    assert {m for m, _ in clients.sent} == {"GET"}
    assert {m for _, m, _ in server.log} == {"GET"}


def test_exposure_evidence_holds_shape_not_values(replay: Replay) -> None:
    _, ports = replay
    run = fingerprint_sync([f"127.0.0.1:{ports['ollama-open-old']}"])
    (exposure,) = run.services[0].exposures
    assert exposure.request == "GET /api/tags"
    assert exposure.summary == "HTTP 200, JSON object with models[1]"
    assert "m:1" not in repr(run.services[0])


def test_closed_port_and_timeout_give_no_asset_and_no_exception(replay: Replay) -> None:
    _, ports = replay
    (closed,) = free_ports(1)
    clients = RecordingClients(timeout=httpx.Timeout(0.5))
    run = fingerprint_sync(
        [f"127.0.0.1:{closed}", f"127.0.0.1:{ports['hang']}"], client_factory=clients
    )
    assert run.services == []
    reasons = dict(run.problems)
    assert "connection failed" in reasons[f"127.0.0.1:{closed}"]
    assert "no answer within" in reasons[f"127.0.0.1:{ports['hang']}"]


@pytest.mark.parametrize(
    ("endpoint", "reason"),
    [
        pytest.param("ftp://host:21", "unsupported scheme", id="scheme"),
        pytest.param("host", "give a port", id="no-port"),
        pytest.param("http://user:pw@host:1", "credentials", id="credentials"),
        pytest.param("host:99999", "port", id="port-range"),
        pytest.param("http://host:1/?q=1", "query", id="query"),
        pytest.param("", "expected host:port", id="empty"),
        pytest.param("http://[::1:80", "not a URL", id="broken-ipv6"),
        pytest.param("http://:80", "no host", id="no-host"),
    ],
)
def test_malformed_endpoints_are_reported(endpoint: str, reason: str) -> None:
    run = fingerprint_sync([endpoint])
    assert run.services == [] and run.requests_sent == 0
    ((text, problem),) = run.problems
    assert text == endpoint and reason in problem


@pytest.mark.parametrize(
    ("body", "product"),
    [
        pytest.param(b'{"ray_version": "2.9.0", "version": "3"}', "ray", id="normal-size"),
        pytest.param(
            b'{"ray_version": "2.9.0", "version": "3", "pad": "' + b"x" * MAX_BODY_BYTES + b'"}',
            None,
            id="oversized-json-not-parsed",
        ),
        pytest.param(b"[" * 100_000, None, id="deeply-nested"),
        pytest.param(b"\xff\xfe\x00garbage", None, id="binary"),
    ],
)
def test_hostile_bodies_are_bounded(body: bytes, product: str | None) -> None:
    (port,) = free_ports(1)
    server = ReplayServer(
        profiles={port: {"/api/version": (200, {"content-type": "application/json"}, body)}}
    )
    thread = ReplayThread(server, [port])
    thread.start()
    try:
        run = fingerprint_sync([f"127.0.0.1:{port}"])
    finally:
        thread.stop()
    assert [s.rule.product for s in run.services] == ([product] if product else [])


def test_redirects_are_not_followed() -> None:
    ports = free_ports(2)
    elsewhere = f"http://127.0.0.1:{ports[1]}/api/version"
    server = ReplayServer(
        profiles={
            ports[0]: {"/api/version": (302, {"location": elsewhere}, b"")},
            ports[1]: {"/api/version": json_answer({"ray_version": "2.9.0", "version": "3"})},
        }
    )
    thread = ReplayThread(server, ports)
    thread.start()
    try:
        run = fingerprint_sync([f"127.0.0.1:{ports[0]}"])
    finally:
        thread.stop()
    assert run.services == []
    assert all(port == ports[0] for port, _, _ in server.log)


def test_same_endpoint_twice_is_probed_once(replay: Replay) -> None:
    _, ports = replay
    port = ports["qdrant-open"]
    run = fingerprint_sync([f"127.0.0.1:{port}", f"http://127.0.0.1:{port}/"])
    assert len(run.services) == 1
