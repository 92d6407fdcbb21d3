"""The HTTP receiver over a real socket: auth, body shapes, 400/404/411/413/503, gzip bombs."""

from __future__ import annotations

import gzip
import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from stackward.detect.interfaces import SourceError
from stackward.detect.sources.http import ENDPOINT, HttpReceiver
from tests.detect.sources.follow import Collector

TOKEN = "t0ken-for-tests-only-0123456789"


@pytest.fixture
def receiver() -> Iterator[tuple[HttpReceiver, Collector]]:
    source = HttpReceiver("127.0.0.1", 0, TOKEN, format="json", max_body_bytes=2000, max_queue=5)
    collector = Collector(source, start=100)
    assert source.ready.wait(5)
    yield source, collector
    collector.close()


def _post(
    source: HttpReceiver,
    body: bytes,
    token: str | None = TOKEN,
    path: str = ENDPOINT,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    assert source.address is not None
    connection = http.client.HTTPConnection(*source.address, timeout=10)
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    try:
        connection.request("POST", path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"a": 1}', [{"a": 1}]),
        (b'[{"a": 1}, {"b": [2]}]', [{"a": 1}, {"b": [2]}]),
        (b'{"a": 1}\n\n{"b": 2}\n', [{"a": 1}, {"b": 2}]),
    ],
    ids=["object", "array", "json-lines"],
)
def test_accepted_bodies_become_one_record_per_object(
    receiver: tuple[HttpReceiver, Collector], body: bytes, expected: list[dict[str, Any]]
) -> None:
    source, collector = receiver
    assert _post(source, body) == (202, {"accepted": len(expected)})
    texts = collector.wait_for(len(expected))
    assert [json.loads(t) for t in texts] == expected
    assert [r.position.offset for r in collector.records] == list(range(101, 101 + len(expected)))
    assert collector.records[0].format == "json"


def test_gzip_body_is_accepted(receiver: tuple[HttpReceiver, Collector]) -> None:
    source, collector = receiver
    body = gzip.compress(b'[{"z": 1}]')
    assert _post(source, body, headers={"Content-Encoding": "gzip"})[0] == 202
    assert collector.wait_for(1) == ['{"z":1}']


@pytest.mark.parametrize(
    ("body", "token", "path", "headers", "status", "message"),
    [
        (b'{"a": 1}', None, ENDPOINT, {}, 401, "bearer token"),
        (b'{"a": 1}', "wrong-token-wrong-token", ENDPOINT, {}, 401, "bearer token"),
        (b'{"a": 1}', TOKEN, "/api/v1/other", {}, 404, "unknown path"),
        (b"x" * 2001, TOKEN, ENDPOINT, {}, 413, "larger than 2000"),
        (
            gzip.compress(b" " * 200_000),
            TOKEN,
            ENDPOINT,
            {"Content-Encoding": "gzip"},
            413,
            "decompressed",
        ),
        (b"not gzip", TOKEN, ENDPOINT, {"Content-Encoding": "gzip"}, 400, "not valid gzip"),
        (b'{"a": 1}', TOKEN, ENDPOINT, {"Content-Encoding": "br"}, 415, "not supported"),
        (b"{oops", TOKEN, ENDPOINT, {}, 400, "not JSON"),
        (b'{"a": 1}\n{oops}\n', TOKEN, ENDPOINT, {}, 400, "line 2"),
        (b"[1, 2]", TOKEN, ENDPOINT, {}, 400, "event 1 is a int"),
        (b"[]", TOKEN, ENDPOINT, {}, 400, "no events"),
    ],
    ids=[
        "no-token",
        "wrong-token",
        "wrong-path",
        "too-large",
        "gzip-bomb",
        "bad-gzip",
        "unknown-encoding",
        "malformed",
        "bad-json-line",
        "not-objects",
        "empty-array",
    ],
)
def test_refused_requests_name_the_problem_and_queue_nothing(
    receiver: tuple[HttpReceiver, Collector],
    body: bytes,
    token: str | None,
    path: str,
    headers: dict[str, str],
    status: int,
    message: str,
) -> None:
    source, collector = receiver
    answer = _post(source, body, token=token, path=path, headers=headers)
    assert answer[0] == status and message in answer[1]["error"]
    assert _post(source, b'{"after": 1}')[0] == 202
    assert collector.wait_for(1) == ['{"after":1}']


def test_full_queue_answers_503_and_takes_nothing_of_that_request() -> None:
    source = HttpReceiver("127.0.0.1", 0, TOKEN, max_queue=3)
    records = source.read()
    import threading

    first: list[Any] = []
    puller = threading.Thread(target=lambda: first.append(next(records)), daemon=True)
    puller.start()
    assert source.ready.wait(5)
    puller.join(timeout=0.1)
    assert _post(source, b'[{"a": 1}, {"a": 2}, {"a": 3}]')[0] == 202
    puller.join(timeout=5)
    assert _post(source, b'[{"b": 1}, {"b": 2}]')[0] == 503
    assert _post(source, b'{"c": 1}')[0] == 202
    assert source.rejected == 1
    source.stop()
    rest = list(records)
    assert [json.loads(r.data) for r in [*first, *rest]] == [{"a": 1}, {"a": 2}, {"a": 3}, {"c": 1}]


@pytest.mark.parametrize(
    ("host", "token", "insecure", "message"),
    [
        ("127.0.0.1", None, False, "no token"),
        ("0.0.0.0", None, True, "loopback"),  # noqa: S104 - the refused case
        ("127.0.0.1", "short", False, "shorter than 16"),
    ],
    ids=["no-token", "insecure-off-loopback", "short-token"],
)
def test_unsafe_configurations_refuse_to_start(
    host: str, token: str | None, insecure: bool, message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        HttpReceiver(host, 0, token, insecure_no_auth=insecure)


def test_insecure_no_auth_on_loopback_accepts_without_token() -> None:
    source = HttpReceiver("127.0.0.1", 0, None, insecure_no_auth=True)
    collector = Collector(source)
    try:
        assert source.ready.wait(5)
        assert _post(source, b'{"a": 1}', token=None)[0] == 202
        assert collector.wait_for(1) == ['{"a":1}']
    finally:
        collector.close()
