"""The HTTP events receiver over HTTPS: verified clients get in, a plain-HTTP client or one
without the required certificate does not, and the receiver goes on serving."""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from stackward.detect.config import HttpSource
from stackward.detect.interfaces import SourceError
from stackward.detect.sources import build_source
from stackward.detect.sources.http import ENDPOINT, HttpReceiver
from stackward.tls import ReceiverTls
from tests.detect.sources.follow import Collector, until
from tests.tls_certs import TlsFiles

TOKEN = "t0ken-for-tests-only-0123456789"


def _start(tls_files: TlsFiles, client_ca: bool) -> tuple[HttpReceiver, Collector]:
    tls = ReceiverTls(
        tls_files.server_cert, tls_files.server_key, tls_files.ca if client_ca else None
    )
    source = HttpReceiver("127.0.0.1", 0, TOKEN, format="json", tls=tls)
    collector = Collector(source)
    assert source.ready.wait(5)
    return source, collector


@pytest.fixture
def https(tls_files: TlsFiles) -> Iterator[tuple[HttpReceiver, Collector]]:
    started = _start(tls_files, client_ca=False)
    yield started
    started[1].close()


@pytest.fixture
def mutual(tls_files: TlsFiles) -> Iterator[tuple[HttpReceiver, Collector]]:
    started = _start(tls_files, client_ca=True)
    yield started
    started[1].close()


def _url(source: HttpReceiver, scheme: str = "https") -> str:
    assert source.address is not None
    return f"{scheme}://localhost:{source.address[1]}{ENDPOINT}"


def _client(tls_files: TlsFiles, client_cert: bool = False) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(tls_files.ca))
    if client_cert:
        context.load_cert_chain(str(tls_files.client_cert), str(tls_files.client_key))
    return httpx.Client(verify=context, timeout=10)


def _post(client: httpx.Client, url: str, body: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    return client.post(url, content=body, headers=headers)


def test_events_arrive_over_https(
    https: tuple[HttpReceiver, Collector], tls_files: TlsFiles
) -> None:
    source, collector = https
    with _client(tls_files) as client:
        response = _post(client, _url(source), b'[{"a": 1}, {"b": 2}]')
    assert (response.status_code, response.json()) == (202, {"accepted": 2})
    assert collector.wait_for(2) == ['{"a":1}', '{"b":2}']
    assert collector.records[0].position.source == "https:127.0.0.1:0"


def test_plain_http_to_the_https_port_gets_nothing_in(
    https: tuple[HttpReceiver, Collector], tls_files: TlsFiles
) -> None:
    source, collector = https
    with httpx.Client(timeout=5) as plain, contextlib.suppress(httpx.HTTPError):
        _post(plain, _url(source, "http"), b'{"plain": true}')
    with _client(tls_files) as client:
        assert _post(client, _url(source), b'{"secured": true}').status_code == 202
    assert collector.wait_for(1) == ['{"secured":true}']


def test_a_silent_client_holds_up_no_other(
    https: tuple[HttpReceiver, Collector], tls_files: TlsFiles
) -> None:
    """The handshake happens in each connection's own thread, not at accept."""
    source, collector = https
    assert source.address is not None
    with socket.create_connection(source.address, timeout=5):  # connects, never speaks
        time.sleep(0.2)
        started = time.monotonic()
        with _client(tls_files) as client:
            assert _post(client, _url(source), b'{"after": 1}').status_code == 202
        assert time.monotonic() - started < 5
    assert collector.wait_for(1) == ['{"after":1}']


def test_client_certificate_required_where_configured(
    mutual: tuple[HttpReceiver, Collector], tls_files: TlsFiles
) -> None:
    source, collector = mutual
    with _client(tls_files) as anonymous, pytest.raises(httpx.HTTPError):
        _post(anonymous, _url(source), b'{"anonymous": true}')
    with _client(tls_files, client_cert=True) as signed:
        assert _post(signed, _url(source), b'{"signed": true}').status_code == 202
    assert collector.wait_for(1) == ['{"signed":true}']
    collector.close()
    until(lambda: source.failed_connections >= 1, 10, "the refused client counted")


def test_unreadable_certificate_is_a_source_error(tmp_path: Path, tls_files: TlsFiles) -> None:
    missing = tmp_path / "none.pem"
    with pytest.raises(SourceError, match=f"https:127.0.0.1:0: cannot read certificate {missing}"):
        HttpReceiver("127.0.0.1", 0, TOKEN, tls=ReceiverTls(missing, tls_files.server_key))


def test_config_builds_an_https_receiver(
    tls_files: TlsFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKWARD_DETECT_TOKEN", TOKEN)
    config = HttpSource(
        bind="127.0.0.1:0", cert_file=tls_files.server_cert, key_file=tls_files.server_key
    )
    source = build_source(config)
    assert isinstance(source, HttpReceiver) and source.tls is not None
    assert source.id == "https:127.0.0.1:0"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"cert_file": "c.pem"}, "HTTPS needs both cert_file and key_file"),
        ({"key_file": "k.pem"}, "HTTPS needs both cert_file and key_file"),
        ({"client_ca_file": "ca.pem"}, "client_ca_file needs cert_file and key_file"),
    ],
)
def test_https_options_are_checked(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        HttpSource.model_validate(options)
