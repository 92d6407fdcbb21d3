"""The syslog sink against a real rsyslogd: RFC 5424 with OCSF JSON and CEF, over UDP and
TCP (octet-counted); received lines parse back to the alert."""

from __future__ import annotations

import json
import re
import socket
from typing import Literal

import pytest

from stackward import __version__
from stackward.detect.interfaces import SinkError
from stackward.detect.sinks.syslog import SyslogAlertSink
from stackward.detect.sinks.syslog_format import (
    cef,
    cef_header,
    cef_value,
    header_field,
    ocsf_message,
    sd_param,
)
from stackward.model import Severity
from tests.detect.alert_builders import enrichment, event_ref, make_alert, schema_errors
from tests.detect.sinks.rsyslog import Rsyslog

HEADER = re.compile(
    r"^<(?P<pri>\d{1,3})>1 (?P<time>\S+) (?P<host>\S+) (?P<app>\S+) (?P<procid>\S+)"
    r" (?P<msgid>\S+) (?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+) (?P<msg>.*)$"
)
SD_PARAM = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
HOSTILE_TITLE = "Probe | pipe = eq \\ backslash\nnewline"


def parse_5424(line: str) -> dict[str, str]:
    match = HEADER.match(line)
    assert match, line
    return match.groupdict()


def sd_params(sd: str) -> dict[str, str]:
    return {k: re.sub(r"\\(.)", r"\1", v) for k, v in SD_PARAM.findall(sd)}


def parse_cef(text: str) -> tuple[list[str], dict[str, str]]:
    """CEF header fields (unescaped) and extensions (unescaped), by a small tokenizer."""
    fields: list[str] = []
    current = ""
    i = 0
    while len(fields) < 7:
        ch = text[i]
        if ch == "\\":
            current += text[i + 1]
            i += 2
            continue
        if ch == "|":
            fields.append(current)
            current = ""
        else:
            current += ch
        i += 1
    extensions: dict[str, str] = {}
    key, value, rest = "", "", text[i:]
    j = 0
    while j < len(rest):
        ch = rest[j]
        if ch == "\\":
            value += {"n": "\n", "r": "\r"}.get(rest[j + 1], rest[j + 1])
            j += 2
            continue
        if ch == "=":
            head, _, new_key = value.rpartition(" ")
            if key:
                extensions[key] = head
            key, value = new_key, ""
        else:
            value += ch
        j += 1
    if key:
        extensions[key] = value
    return fields, extensions


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
@pytest.mark.parametrize("message_format", ["rfc5424", "cef"])
def test_rsyslog_receives_and_lines_parse_back(
    rsyslog: Rsyslog,
    protocol: Literal["udp", "tcp"],
    message_format: Literal["rfc5424", "cef"],
) -> None:
    port = rsyslog.udp_port if protocol == "udp" else rsyslog.tcp_port
    sink = SyslogAlertSink("127.0.0.1", port, protocol, message_format, app_name="stackward")
    alert = make_alert(
        group=f"{protocol}-{message_format}",
        title=HOSTILE_TITLE,
        description=HOSTILE_TITLE,
        severity=Severity.HIGH,
    )
    try:
        sink.emit(alert, enrichment())
    finally:
        sink.close()
    line = rsyslog.wait_for(alert.uid)
    header = parse_5424(line)
    assert header["pri"] == str(10 * 8 + 3)
    assert header["time"] == "2026-11-02T09:00:00.000Z"
    assert (header["app"], header["procid"], header["msgid"]) == ("stackward", "-", "SW-DET")
    params = sd_params(header["sd"])
    assert params["rule"] == "SW-DET-201"
    assert params["uid"] == params["delivery"] == alert.uid
    assert params["severity"] == "high"
    if message_format == "rfc5424":
        event = json.loads(header["msg"])
        assert schema_errors(event) == []
        assert event["finding_info"]["uid"] == alert.uid
        assert event["finding_info"]["title"] == HOSTILE_TITLE
        return
    fields, ext = parse_cef(header["msg"])
    assert fields == [
        "CEF:0",
        "stackward",
        "stackward",
        __version__,
        "SW-DET-201",
        HOSTILE_TITLE.replace("\n", " "),
        "8",
    ]
    assert ext["msg"] == HOSTILE_TITLE
    assert ext["rt"] == str(int(alert.time.timestamp() * 1000))
    assert ext["src"] == "203.0.113.9"
    assert ext["suser"] == alert.actor
    assert ext["act"] == "extraction"
    assert ext["cs1"] == "AML.T0024.002"
    assert (ext["cs2Label"], ext["cs2"]) == ("finding uid", alert.uid)
    assert ext["cs5"] == "path-aff0237b8636"
    assert ext["cnt"] == "1"


def test_tcp_connection_is_reused_for_many_alerts(rsyslog: Rsyslog) -> None:
    sink = SyslogAlertSink("127.0.0.1", rsyslog.tcp_port, "tcp", "rfc5424")
    alerts = [make_alert(group="reuse", line=i, at=i) for i in range(1, 6)]
    try:
        for alert in alerts:
            sink.emit(alert, enrichment())
    finally:
        sink.close()
    for alert in alerts:
        rsyslog.wait_for(alert.uid)
    assert sink.sent == 5


def test_refused_tcp_connection_is_a_sink_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = SyslogAlertSink("127.0.0.1", port, "tcp", "cef")
    with pytest.raises(SinkError, match=f"tcp://127.0.0.1:{port}"):
        sink.emit(make_alert(), enrichment())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("a|b", "a\\|b"),
        ("a\\b", "a\\\\b"),
        ("a=b", "a=b"),
        ("line\nbreak\r", "line break "),
    ],
    ids=["plain", "pipe", "backslash", "equals-kept", "newlines"],
)
def test_cef_header_escaping(raw: str, expected: str) -> None:
    assert cef_header(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("a|b", "a|b"),
        ("a\\b", "a\\\\b"),
        ("a=b", "a\\=b"),
        ("line\nbreak", "line\\nbreak"),
        ("cr\rlf\r\n", "cr\\rlf\\n"),
    ],
    ids=["plain", "pipe-kept", "backslash", "equals", "newline", "carriage-return"],
)
def test_cef_extension_escaping(raw: str, expected: str) -> None:
    assert cef_value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ok", "ok"), ('q"b\\c]d', 'q\\"b\\\\c\\]d')],
    ids=["plain", "quote-backslash-bracket"],
)
def test_sd_param_escaping(raw: str, expected: str) -> None:
    assert sd_param(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("host-1", "host-1"), ("my host", "my_host"), ("", "-"), ("x" * 300, "x" * 48)],
    ids=["plain", "space", "empty", "long"],
)
def test_header_fields(raw: str, expected: str) -> None:
    assert header_field(raw, 48) == expected


def test_cef_leaves_out_empty_extensions() -> None:
    _, ext = parse_cef(cef(make_alert(source_ip="", actor=""), enrichment()))
    assert "src" not in ext and "suser" not in ext


def test_oversized_udp_message_drops_evidence_first() -> None:
    events = tuple(event_ref(i, excerpt={"prompt": "x" * 250}) for i in range(1, 21))
    alert = make_alert(events=events)
    full = ocsf_message(alert, enrichment())
    cut = json.loads(ocsf_message(alert, enrichment(), max_bytes=2000))
    assert len(full) > 2000
    assert "evidences" not in cut
    assert cut["metadata"]["is_truncated"] is True
    assert cut["metadata"]["untruncated_size"] == len(full.encode())
    assert schema_errors(cut) == []
    assert json.loads(ocsf_message(alert, enrichment(), max_bytes=10**6)) == json.loads(full)
