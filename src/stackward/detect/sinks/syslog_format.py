"""Alert messages for syslog collectors: RFC 5424 with the OCSF JSON, or ArcSight CEF.

Both are sent as RFC 5424 syslog messages (``<PRI>1 TIME HOST APP - SW-DET [SD] MSG``): the
message is the OCSF JSON in ``rfc5424`` format, the CEF record in ``cef`` format. The PRI
uses facility 10 (security/authorization, ``authpriv``) and a syslog severity from the alert's.
The structured data element ``stackward@32473`` (32473 is the documentation enterprise number
of RFC 5612) carries the rule id, the finding uid, the delivery uid and the severity, so a
collector can route on them without parsing the message.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from typing import Any

from stackward import __version__
from stackward.detect.alert import Alert, Enrichment
from stackward.detect.ocsf import finding_uid, to_ocsf
from stackward.model import Framework, Severity

FACILITY_AUTHPRIV = 10
MSGID = "SW-DET"
SD_ID = "stackward@32473"

SYSLOG_SEVERITY = {
    Severity.CRITICAL: 2,
    Severity.HIGH: 3,
    Severity.MEDIUM: 4,
    Severity.LOW: 5,
    Severity.INFO: 6,
}
"""Alert severity → syslog severity (crit, err, warning, notice, informational)."""

CEF_SEVERITY = {
    Severity.INFO: 1,
    Severity.LOW: 3,
    Severity.MEDIUM: 5,
    Severity.HIGH: 8,
    Severity.CRITICAL: 10,
}

_HEADER_FIELD = re.compile(r"[^\x21-\x7e]")


def pri(severity: Severity) -> int:
    return FACILITY_AUTHPRIV * 8 + SYSLOG_SEVERITY[severity]


def header_field(value: str, limit: int, nil: str = "-") -> str:
    """A 5424 header field: printable US-ASCII without spaces, bounded; NILVALUE if empty."""
    cleaned = _HEADER_FIELD.sub("_", value)[:limit]
    return cleaned or nil


def sd_param(value: str) -> str:
    """An SD-PARAM value with ``"``, ``\\`` and ``]`` escaped as RFC 5424 requires."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def syslog_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def rfc5424(alert: Alert, message: str, app_name: str, hostname: str | None = None) -> str:
    """The full syslog message (without transport framing)."""
    host = header_field(hostname if hostname is not None else socket.gethostname(), 255)
    structured = (
        f'[{SD_ID} rule="{sd_param(alert.rule_id)}" uid="{sd_param(finding_uid(alert))}"'
        f' delivery="{sd_param(alert.uid)}" severity="{alert.severity.label}"]'
    )
    return (
        f"<{pri(alert.severity)}>1 {syslog_timestamp(alert.time)} {host}"
        f" {header_field(app_name, 48)} - {MSGID} {structured} {message}"
    )


def ocsf_message(alert: Alert, enrichment: Enrichment, max_bytes: int | None = None) -> str:
    """The OCSF JSON on one line; past ``max_bytes`` (UDP), evidences and related events are
    left out and ``metadata.is_truncated`` says so."""
    event = to_ocsf(alert, enrichment)
    text = json.dumps(event, separators=(",", ":"))
    size = len(text.encode())
    if max_bytes is None or size <= max_bytes:
        return text
    event.pop("evidences", None)
    event["finding_info"].pop("related_events", None)
    event["metadata"]["is_truncated"] = True
    event["metadata"]["untruncated_size"] = size
    return json.dumps(event, separators=(",", ":"))


def cef_header(value: str) -> str:
    """A CEF header field: ``\\`` and ``|`` escaped, line breaks turned into spaces."""
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def cef_value(value: str) -> str:
    """A CEF extension value: ``\\``, ``=`` and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace("=", "\\=")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def cef(alert: Alert, enrichment: Enrichment) -> str:
    """``CEF:0|stackward|stackward|<version>|<rule id>|<title>|<0-10>|<extensions>``.

    Extensions: ``rt`` (alert time, ms), ``start``/``end``, ``cnt``, ``src``, ``suser``
    (actor), ``act`` (the detector), ``msg`` (description), ``cat`` (``detection``), ``cs1``
    ATLAS ids, ``cs2`` finding uid, ``cs3`` target, ``cs4`` OWASP/NIST ids, ``cs5`` attack
    paths, ``cs6`` owners, ``cn1`` highest path risk (x10), ``externalId`` delivery uid.
    """
    atlas_ids = [r.id for r in alert.refs if r.framework is Framework.ATLAS]
    other_ids = [r.id for r in alert.refs if r.framework is not Framework.ATLAS]
    ext: list[tuple[str, Any]] = [
        ("rt", _ms(alert.time)),
        ("start", _ms(alert.first_seen)),
        ("end", _ms(alert.time)),
        ("cnt", alert.count),
        ("src", alert.source_ip),
        ("suser", alert.actor),
        ("act", alert.detector),
        ("cat", "detection"),
        ("msg", alert.description[:1024]),
        ("cs1Label", "ATLAS techniques"),
        ("cs1", ",".join(atlas_ids)),
        ("cs2Label", "finding uid"),
        ("cs2", finding_uid(alert)),
        ("cs3Label", "target"),
        ("cs3", alert.target),
        ("cs4Label", "references"),
        ("cs4", ",".join(other_ids)),
        ("cs5Label", "attack paths"),
        ("cs5", ",".join(enrichment.attack_paths)),
        ("cs6Label", "owners"),
        ("cs6", ",".join(enrichment.owners)),
        ("cn1Label", "max path risk x10"),
        ("cn1", round(enrichment.max_path_risk * 10)),
        ("externalId", alert.uid),
    ]
    extension = " ".join(f"{key}={cef_value(str(value))}" for key, value in ext if value != "")
    header = "|".join(
        (
            "CEF:0",
            "stackward",
            "stackward",
            cef_header(__version__),
            cef_header(alert.rule_id),
            cef_header(alert.title),
            str(CEF_SEVERITY[alert.severity]),
        )
    )
    return f"{header}|{extension}"


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)
