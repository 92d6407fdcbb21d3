"""The syslog receiver over TLS (RFC 5425): a real rsyslogd forwarding to it with its OpenSSL
driver and a client certificate, Python TLS clients, and what it refuses (a client without a
certificate where one is required, plain TCP) without stopping."""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pydantic import ValidationError

from stackward.detect.config import SyslogSource
from stackward.detect.interfaces import SourceError
from stackward.detect.sources import build_source
from stackward.detect.sources.syslog import SyslogReceiver
from stackward.tls import ReceiverTls
from tests.detect.sinks.rsyslog import free_port, require_rsyslogd, rsyslogd_process
from tests.detect.sources.follow import Collector, until
from tests.tls_certs import TlsFiles

MESSAGE = b'<165>1 2026-11-25T10:00:00Z ml-gw litellm - - - {"model": "gpt-4o"}'
FORWARDER = """\
global(workDirectory="{workdir}"
       DefaultNetstreamDriverCAFile="{ca}"
       DefaultNetstreamDriverCertFile="{cert}"
       DefaultNetstreamDriverKeyFile="{key}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="{udp}")
*.* action(type="omfwd" target="127.0.0.1" port="{port}" protocol="tcp"
           TCP_Framing="octet-counted" StreamDriver="ossl" StreamDriverMode="1"
           StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost"
           template="RSYSLOG_SyslogProtocol23Format")
"""


def _start(tls_files: TlsFiles, client_ca: bool) -> tuple[SyslogReceiver, Collector]:
    tls = ReceiverTls(
        tls_files.server_cert, tls_files.server_key, tls_files.ca if client_ca else None
    )
    receiver = SyslogReceiver("tls", "127.0.0.1", 0, format="json", tls=tls)
    collector = Collector(receiver)
    assert receiver.ready.wait(5)
    return receiver, collector


@pytest.fixture
def receiver(tls_files: TlsFiles) -> Iterator[tuple[SyslogReceiver, Collector]]:
    started = _start(tls_files, client_ca=False)
    yield started
    started[1].close()


@pytest.fixture
def mutual(tls_files: TlsFiles) -> Iterator[tuple[SyslogReceiver, Collector]]:
    started = _start(tls_files, client_ca=True)
    yield started
    started[1].close()


def _port(receiver: SyslogReceiver) -> int:
    assert receiver.address is not None
    return receiver.address[1]


def _send_tls(port: int, tls_files: TlsFiles, frames: list[bytes], client_cert: bool) -> None:
    context = ssl.create_default_context(cafile=str(tls_files.ca))
    if client_cert:
        context.load_cert_chain(str(tls_files.client_cert), str(tls_files.client_key))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as plain,
        context.wrap_socket(plain, server_hostname="localhost") as secured,
    ):
        secured.sendall(b"".join(str(len(f)).encode() + b" " + f for f in frames))


def test_tls_client_messages_become_records(
    receiver: tuple[SyslogReceiver, Collector], tls_files: TlsFiles
) -> None:
    server, collector = receiver
    _send_tls(_port(server), tls_files, [MESSAGE, MESSAGE.replace(b"gpt-4o", b"o3")], False)
    assert collector.wait_for(2) == ['{"model": "gpt-4o"}', '{"model": "o3"}']
    first = collector.records[0]
    assert first.position.source == f"syslog-tls:127.0.0.1:{0}"
    assert first.meta is not None and first.meta["app_name"] == "litellm"


def test_plain_tcp_to_a_tls_port_is_a_problem_and_the_receiver_goes_on(
    receiver: tuple[SyslogReceiver, Collector], tls_files: TlsFiles
) -> None:
    server, collector = receiver
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=5) as plain:
        plain.sendall(str(len(MESSAGE)).encode() + b" " + MESSAGE)
    until(lambda: server.problems.total == 1, 10, "the refused handshake")
    assert set(server.problems.counts) == {"TLS handshake failed, connection closed"}
    _send_tls(_port(server), tls_files, [MESSAGE], False)
    assert collector.wait_for(1) == ['{"model": "gpt-4o"}']


def test_client_certificate_required_where_configured(
    mutual: tuple[SyslogReceiver, Collector], tls_files: TlsFiles
) -> None:
    server, collector = mutual
    # refused in the handshake (TLS 1.2) or just after it (TLS 1.3)
    with contextlib.suppress(ssl.SSLError, ConnectionError):
        _send_tls(_port(server), tls_files, [MESSAGE], client_cert=False)
    until(lambda: server.problems.total >= 1, 10, "the refused client")
    assert set(server.problems.counts) == {"TLS handshake failed, connection closed"}
    _send_tls(_port(server), tls_files, [MESSAGE.replace(b"gpt-4o", b"signed")], client_cert=True)
    assert collector.wait_for(1) == ['{"model": "signed"}']  # and not the unsigned one


@contextmanager
def _forwarding_rsyslog(workdir: Path, tls_files: TlsFiles, port: int) -> Iterator[int]:
    """An rsyslogd that forwards what its UDP input gets to ``port`` over TLS, presenting the
    test client certificate and accepting only a peer named localhost; yields the UDP port."""
    binary = require_rsyslogd(tls=True)
    udp = free_port(socket.SOCK_DGRAM)
    conf = workdir / "forwarder.conf"
    conf.write_text(
        FORWARDER.format(
            workdir=workdir,
            ca=tls_files.ca,
            cert=tls_files.client_cert,
            key=tls_files.client_key,
            udp=udp,
            port=port,
        ),
        encoding="utf-8",
    )
    with rsyslogd_process(binary, conf, workdir):
        yield udp


def test_real_rsyslog_forwards_over_tls_with_a_client_certificate(
    mutual: tuple[SyslogReceiver, Collector], tls_files: TlsFiles, tmp_path: Path
) -> None:
    server, collector = mutual
    with (
        _forwarding_rsyslog(tmp_path, tls_files, _port(server)) as udp,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender,
    ):
        deadline = time.monotonic() + 20
        number = 0
        while not collector.records and time.monotonic() < deadline:
            number += 1  # until the forwarder is up and its session open
            sender.sendto(
                MESSAGE.replace(b"gpt-4o", f"probe-{number}".encode()), ("127.0.0.1", udp)
            )
            time.sleep(0.2)
        assert collector.records, (tmp_path / "rsyslogd.out").read_text(errors="replace")
        sender.sendto(MESSAGE.replace(b"gpt-4o", b"forwarded"), ("127.0.0.1", udp))
        until(lambda: '{"model": "forwarded"}' in collector.texts, 10, "the forwarded message")
    forwarded = next(r for r in collector.records if r.data == '{"model": "forwarded"}')
    assert forwarded.meta is not None and forwarded.meta["app_name"] == "litellm"
    assert server.problems.total == 0


def test_unreadable_certificate_is_a_source_error(tmp_path: Path, tls_files: TlsFiles) -> None:
    missing = tmp_path / "none.pem"
    with pytest.raises(SourceError, match=f"cannot read certificate {missing}"):
        SyslogReceiver("tls", "127.0.0.1", 0, tls=ReceiverTls(missing, tls_files.server_key))
    with pytest.raises(SourceError, match=f"cannot read client CA file {missing}"):
        SyslogReceiver(
            "tls",
            "127.0.0.1",
            0,
            tls=ReceiverTls(tls_files.server_cert, tls_files.server_key, missing),
        )


def test_config_builds_a_tls_receiver(tls_files: TlsFiles) -> None:
    config = SyslogSource(
        protocol="tls",
        bind="127.0.0.1:0",
        cert_file=tls_files.server_cert,
        key_file=tls_files.server_key,
        client_ca_file=tls_files.ca,
    )
    source = build_source(config)
    assert isinstance(source, SyslogReceiver) and source.protocol == "tls"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"protocol": "tls"}, "protocol tls needs cert_file and key_file"),
        ({"protocol": "tcp", "cert_file": "c.pem"}, "cert_file apply to protocol tls only"),
        ({"protocol": "udp", "client_ca_file": "ca.pem"}, "client_ca_file apply to"),
    ],
)
def test_tls_options_are_checked(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SyslogSource.model_validate(options)
