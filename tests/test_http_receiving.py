"""The bounded gunzip and loopback test shared by the HTTP receivers (their request handling
is tested through each receiver: ``tests/lineage/test_receiver.py``,
``tests/detect/sources/test_http.py``)."""

from __future__ import annotations

import gzip

import pytest

from stackward.http_receiving import Rejected, gunzip_bounded, is_loopback

LIMIT = 1024


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        pytest.param(gzip.compress(b"\0" * (LIMIT + 1)), 413, "decompressed", id="bomb"),
        pytest.param(gzip.compress(b"{}")[:-6], 400, "truncated", id="truncated"),
        pytest.param(b"not gzip at all", 400, "not valid gzip", id="not-gzip"),
    ],
)
def test_gunzip_bounded_rejects(body: bytes, status: int, problem: str) -> None:
    with pytest.raises(Rejected, match=problem) as raised:
        gunzip_bounded(body, LIMIT)
    assert raised.value.status == status


@pytest.mark.parametrize(
    "data",
    [pytest.param(b"x" * LIMIT, id="at-the-limit"), pytest.param(b"", id="empty")],
)
def test_gunzip_bounded_accepts_within_the_limit(data: bytes) -> None:
    assert gunzip_bounded(gzip.compress(data), LIMIT) == data


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        pytest.param("localhost", True, id="localhost"),
        pytest.param("127.0.0.1", True, id="ipv4-loopback"),
        pytest.param("127.9.9.9", True, id="ipv4-loopback-net"),
        pytest.param("::1", True, id="ipv6-loopback"),
        pytest.param("192.0.2.1", False, id="documentation-address"),
        pytest.param("10.0.0.1", False, id="private"),
        pytest.param("[::1]", False, id="brackets-not-stripped"),
        pytest.param("localhost.example.com", False, id="name-not-resolved"),
    ],
)
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected
