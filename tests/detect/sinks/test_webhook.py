"""The webhook sink against a real local HTTP server (stdlib ``http.server`` in a thread) that
fails N times then succeeds, always fails, rejects the request, rate-limits, or is too slow.

Waits between retries go through an injected ``sleep`` that records them (and does not
sleep), so the backoff schedule is checked exactly and the tests stay fast.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from stackward.detect.sinks.webhook import WebhookAlertSink
from tests.detect.alert_builders import enrichment, make_alert, schema_errors

TOKEN = "test-token-0123456789"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Receiver:
    """What the server got, and how many times each path has been hit."""

    url: str
    requests: list[Received] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            path, _, query = self.path.partition("?")
            hit = receiver.hits.get(self.path, 0) + 1
            receiver.hits[self.path] = hit
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            params = dict(p.split("=") for p in query.split("&") if p)
            status, headers = 200, {}
            if path == "/flaky" and hit <= int(params["fail"]):
                status = 503
            elif path == "/always":
                status = 500
            elif path == "/bad":
                status = 400
            elif path == "/limited" and hit == 1:
                status, headers = 429, {"Retry-After": "7"}
            elif path == "/slow":
                time.sleep(float(params["seconds"]))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Receiver("")))
    handler_receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(handler_receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler_receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _sink(url: str, tmp_path: Path, waits: list[float], **kwargs: Any) -> WebhookAlertSink:
    options: dict[str, Any] = {"retries": 3, "backoff_base": 0.5, "seed": 7, "token": TOKEN}
    options.update(kwargs)
    return WebhookAlertSink(url, tmp_path / "dead.jsonl", sleep=waits.append, **options)


def _dead(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "dead.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("path", "attempts", "delivered", "dead_error"),
    [
        pytest.param("/ok", 1, True, None, id="accepted-first-time"),
        pytest.param("/flaky?fail=2", 3, True, None, id="fails-twice-then-succeeds"),
        pytest.param("/flaky?fail=3", 4, True, None, id="succeeds-on-the-last-retry"),
        pytest.param("/always", 4, False, "HTTP 500", id="always-fails"),
        pytest.param("/bad", 1, False, "HTTP 400", id="client-error-not-retried"),
    ],
)
def test_delivery_and_retries(
    receiver: Receiver,
    tmp_path: Path,
    path: str,
    attempts: int,
    delivered: bool,
    dead_error: str | None,
) -> None:
    waits: list[float] = []
    sink = _sink(receiver.url + path, tmp_path, waits)
    alert = make_alert()
    sink.emit(alert, enrichment())
    sink.close()
    assert len(receiver.requests) == attempts
    assert len(waits) == attempts - 1
    assert (sink.delivered, sink.dead_lettered) == (int(delivered), int(not delivered))
    dead = _dead(tmp_path)
    if delivered:
        assert dead == []
    else:
        assert [(d["uid"], d["error"], d["attempts"]) for d in dead] == [
            (alert.uid, dead_error, attempts)
        ]
        assert schema_errors(dead[0]["ocsf"]) == []


def test_request_headers_and_body(receiver: Receiver, tmp_path: Path) -> None:
    sink = _sink(receiver.url + "/flaky?fail=1", tmp_path, [])
    alert = make_alert()
    sink.emit(alert, enrichment())
    first, second = receiver.requests
    for request in (first, second):
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert request.headers["Idempotency-Key"] == alert.uid
        assert request.headers["X-Stackward-Alert-Uid"] == alert.uid
        assert request.headers["X-Stackward-Finding-Uid"] == alert.uid
        assert request.headers["Content-Type"] == "application/json"
        assert schema_errors(request.body) == []
    assert first.body == second.body


def test_no_authorization_without_a_token(receiver: Receiver, tmp_path: Path) -> None:
    _sink(receiver.url + "/ok", tmp_path, [], token=None).emit(make_alert(), enrichment())
    assert "Authorization" not in receiver.requests[0].headers


def test_retry_after_is_honoured(receiver: Receiver, tmp_path: Path) -> None:
    waits: list[float] = []
    sink = _sink(receiver.url + "/limited", tmp_path, waits)
    sink.emit(make_alert(), enrichment())
    assert waits == [7.0]
    assert sink.delivered == 1


def test_slow_server_times_out_and_is_dead_lettered(receiver: Receiver, tmp_path: Path) -> None:
    waits: list[float] = []
    sink = _sink(receiver.url + "/slow?seconds=1", tmp_path, waits, retries=1, timeout_seconds=0.2)
    sink.emit(make_alert(), enrichment())
    (dead,) = _dead(tmp_path)
    assert "Timeout" in dead["error"]
    assert dead["attempts"] == 2
    assert len(waits) == 1


def test_connection_refused_is_retried_then_dead_lettered(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    sink = _sink(f"http://127.0.0.1:{port}/alerts", tmp_path, waits, retries=2)
    sink.emit(make_alert(), enrichment())
    (dead,) = _dead(tmp_path)
    assert dead["error"].startswith("ConnectError")
    assert (len(waits), sink.retried, sink.dead_lettered) == (2, 2, 1)


def test_backoff_is_exponential_with_seeded_jitter(tmp_path: Path) -> None:
    def schedule(seed: int) -> list[float]:
        waits: list[float] = []
        sink = _sink("http://127.0.0.1:9/", tmp_path, waits, retries=6, seed=seed, backoff_max=8)
        return [sink._backoff(attempt) for attempt in range(6)]

    first = schedule(7)
    assert first == schedule(7)
    assert first != schedule(8)
    caps = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert all(0 <= wait <= cap for wait, cap in zip(first, caps, strict=True))


def test_unwritable_dead_letter_raises(receiver: Receiver, tmp_path: Path) -> None:
    from stackward.detect.interfaces import SinkError

    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    sink = WebhookAlertSink(receiver.url + "/bad", blocker / "dead.jsonl", sleep=lambda _: None)
    with pytest.raises(SinkError, match="dead-letter"):
        sink.emit(make_alert(), enrichment())
