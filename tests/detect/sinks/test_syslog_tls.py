"""Syslog over TLS (RFC 5425) against a real rsyslogd with its OpenSSL driver: delivery in both
message forms, a client certificate where the collector requires one, and refusal (never a
silent loss) of an untrusted collector, a wrong name or a refused client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pytest
from pydantic import ValidationError

from stackward.detect.config import SyslogSink
from stackward.detect.interfaces import SinkError
from stackward.detect.sinks import build_sink
from stackward.detect.sinks import syslog as syslog_sink
from stackward.detect.sinks.syslog import SyslogAlertSink, TlsSettings
from tests.detect.alert_builders import enrichment, make_alert, schema_errors
from tests.detect.sinks.rsyslog import Rsyslog
from tests.detect.sinks.test_syslog import parse_5424, parse_cef, sd_params
from tests.tls_certs import TlsFiles


def _send(sink: SyslogAlertSink, group: str, count: int = 1) -> list[str]:
    alerts = [make_alert(group=group, line=n, at=n) for n in range(1, count + 1)]
    try:
        for alert in alerts:
            sink.emit(alert, enrichment())
    finally:
        sink.close()
    return [alert.uid for alert in alerts]


@pytest.mark.parametrize("message_format", ["rfc5424", "cef"])
def test_alerts_arrive_over_tls_and_parse_back(
    rsyslog_tls: Rsyslog, tls_files: TlsFiles, message_format: Literal["rfc5424", "cef"]
) -> None:
    sink = SyslogAlertSink(
        "127.0.0.1",
        rsyslog_tls.tls_port,
        "tls",
        message_format,
        tls=TlsSettings(ca_file=tls_files.ca),
    )
    (uid,) = _send(sink, f"tls-{message_format}")
    header = parse_5424(rsyslog_tls.wait_for(uid))
    assert sd_params(header["sd"])["uid"] == uid
    if message_format == "rfc5424":
        event = json.loads(header["msg"])
        assert schema_errors(event) == [] and event["finding_info"]["uid"] == uid
    else:
        fields, ext = parse_cef(header["msg"])
        assert fields[0] == "CEF:0" and ext["externalId"] == uid


def test_one_tls_session_carries_many_alerts(rsyslog_tls: Rsyslog, tls_files: TlsFiles) -> None:
    sink = SyslogAlertSink(
        "localhost",
        rsyslog_tls.tls_port,
        "tls",
        "rfc5424",
        tls=TlsSettings(ca_file=tls_files.ca),
    )
    uids = _send(sink, "tls-many", count=5)
    for uid in uids:
        rsyslog_tls.wait_for(uid)
    assert sink.sent == 5


def test_client_certificate_where_the_collector_requires_one(
    rsyslog_tls: Rsyslog, tls_files: TlsFiles
) -> None:
    settings = TlsSettings(tls_files.ca, tls_files.client_cert, tls_files.client_key)
    sink = SyslogAlertSink("127.0.0.1", rsyslog_tls.mtls_port, "tls", "cef", tls=settings)
    (uid,) = _send(sink, "mtls")
    rsyslog_tls.wait_for(uid)


def test_a_refused_client_is_an_error_not_a_silent_loss(
    rsyslog_tls: Rsyslog, tls_files: TlsFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In TLS 1.3 the refusal comes after the client's handshake has ended: the sink must
    still see it, so the alert is kept for a retry instead of written into a closed session.
    (The wait for it is raised here so that a loaded test machine cannot outlast it.)"""
    monkeypatch.setattr(syslog_sink, "ACCEPT_WAIT", 5.0)
    sink = SyslogAlertSink(
        "127.0.0.1", rsyslog_tls.mtls_port, "tls", "cef", tls=TlsSettings(ca_file=tls_files.ca)
    )
    alert = make_alert(group="mtls-refused")
    with pytest.raises(SinkError, match=f"tls://127.0.0.1:{rsyslog_tls.mtls_port}"):
        sink.emit(alert, enrichment())
    assert sink.sent == 0
    assert not any(alert.uid in line for line in rsyslog_tls.lines())


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ("other-ca", "CERTIFICATE_VERIFY_FAILED"),
        ("wrong-name", "Hostname mismatch"),
        ("system-store", "CERTIFICATE_VERIFY_FAILED"),
    ],
)
def test_an_unverified_collector_gets_nothing(
    rsyslog_tls: Rsyslog, tls_files: TlsFiles, settings: str, reason: str
) -> None:
    chosen = {
        "other-ca": TlsSettings(ca_file=tls_files.other_ca),
        "wrong-name": TlsSettings(ca_file=tls_files.ca, server_name="collector.example"),
        "system-store": TlsSettings(),
    }[settings]
    sink = SyslogAlertSink("127.0.0.1", rsyslog_tls.tls_port, "tls", "rfc5424", tls=chosen)
    alert = make_alert(group=f"unverified-{settings}")
    with pytest.raises(SinkError, match=reason):
        sink.emit(alert, enrichment())
    assert not any(alert.uid in line for line in rsyslog_tls.lines())


def test_unreadable_tls_files_are_named(tmp_path: Path, tls_files: TlsFiles) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(SinkError, match=f"CA file {missing}"):
        SyslogAlertSink("127.0.0.1", 6514, "tls", tls=TlsSettings(ca_file=missing))
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\ntruncated\n", encoding="utf-8")
    with pytest.raises(SinkError, match=f"client certificate {broken}"):
        SyslogAlertSink(
            "127.0.0.1",
            6514,
            "tls",
            tls=TlsSettings(ca_file=tls_files.ca, cert_file=broken, key_file=tls_files.client_key),
        )


def test_config_builds_a_tls_sink(
    rsyslog_tls: Rsyslog, tls_files: TlsFiles, tmp_path: Path
) -> None:
    config = SyslogSink(
        host="127.0.0.1",
        port=rsyslog_tls.mtls_port,
        protocol="tls",
        format="rfc5424",
        ca_file=tls_files.ca,
        cert_file=tls_files.client_cert,
        key_file=tls_files.client_key,
    )
    sink = build_sink(config, tmp_path / "store.db")
    assert isinstance(sink, SyslogAlertSink)
    (uid,) = _send(sink, "from-config")
    rsyslog_tls.wait_for(uid)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"protocol": "tcp", "ca_file": "ca.pem"}, "ca_file apply to protocol tls only"),
        ({"protocol": "udp", "server_name": "x"}, "server_name apply to protocol tls only"),
        ({"protocol": "tls", "key_file": "k.pem"}, "key_file needs cert_file"),
    ],
)
def test_tls_options_are_checked(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SyslogSink.model_validate(options)
