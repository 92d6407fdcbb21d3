"""SARIF 2.1.0: one run whose rules are the checks that ran and whose results are the findings.

Code-scanning platforms (GitHub, GitLab, Azure DevOps, DefectDojo) read SARIF, so the output
follows the conventions they rely on: ``security-severity`` and ``precision`` on rules, framework
ids as rule tags, a stable ``partialFingerprints`` entry so a finding keeps its identity across
scans, and file locations relative to the directory that holds the scanned root.
Skipped inputs become tool execution notifications and mark the run as not fully successful.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from stackward import __version__
from stackward.checks.base import CheckMeta
from stackward.model import Finding, Severity, Skipped
from stackward.report.references import framework_tag
from stackward.scan.result import ScanResult

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "stackward/v1"
SOURCE_ROOT = "SCANROOT"
SUPPRESSION_JUSTIFICATION = "Suppressed by a scan policy suppression (stackward.yaml)."

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
"""SARIF result level by severity."""

SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
"""CVSS-like scores that code-scanning platforms bucket back into the same severities.

GitHub reads ``security-severity`` as a decimal string: >= 9.0 critical, >= 7.0 high,
>= 4.0 medium, > 0 low.
"""

_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def rule_name(title: str) -> str:
    """A PascalCase identifier from a title, as SARIF ``reportingDescriptor.name`` expects."""
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


def is_file_location(location: str) -> bool:
    """True for a scanned file path; False for URNs such as ``k8s:deployment/ml/api``."""
    if not location or location.startswith("/"):
        return bool(location)
    return not _URI_SCHEME.match(location)


def _text(text: str) -> dict[str, str]:
    return {"text": text}


def _rule(meta: CheckMeta) -> dict[str, Any]:
    references = "\n".join(f"- {ref.framework.value} {ref.id}: {ref.name}" for ref in meta.refs)
    return {
        "id": meta.id,
        "name": rule_name(meta.title),
        "shortDescription": _text(meta.title),
        "fullDescription": _text(meta.rationale),
        "help": {
            "text": meta.remediation,
            "markdown": f"{meta.remediation}\n\n**References**\n\n{references}\n",
        },
        "defaultConfiguration": {"level": LEVEL[meta.severity]},
        "properties": {
            "tags": ["security", meta.layer.value, *(framework_tag(r) for r in meta.refs)],
            "security-severity": SECURITY_SEVERITY[meta.severity],
            "precision": "high",
            "layer": meta.layer.value,
            "detection": meta.detection,
        },
    }


def _rule_from_finding(finding: Finding) -> dict[str, Any]:
    """A rule for a finding whose check is missing from ``result.rules`` (a merged result)."""
    return {
        "id": finding.rule_id,
        "name": rule_name(finding.title),
        "shortDescription": _text(finding.title),
        "help": {"text": finding.remediation},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        "properties": {
            "tags": ["security", finding.layer.value, *(framework_tag(r) for r in finding.refs)],
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "precision": "high",
        },
    }


def _rules(result: ScanResult) -> list[dict[str, Any]]:
    rules = [_rule(result.rules[rule_id]) for rule_id in sorted(result.rules)]
    known = set(result.rules)
    for finding in (*result.findings, *result.suppressed):
        if finding.rule_id not in known:
            known.add(finding.rule_id)
            rules.append(_rule_from_finding(finding))
    return rules


def artifact_location(location: str) -> dict[str, str]:
    """A file location as a URI: relative to the scan root's parent, or absolute ``file:``."""
    path = location.split("#", 1)[0]
    if path.startswith("/"):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(str(PurePosixPath(path))), "uriBaseId": SOURCE_ROOT}


def _locations(finding: Finding, result: ScanResult) -> list[dict[str, Any]]:
    asset = result.graph.get(finding.asset_id)
    logical: dict[str, Any] = {
        "name": asset.name if asset is not None else finding.asset_id,
        "fullyQualifiedName": finding.asset_id,
        "kind": "resource",
    }
    location: dict[str, Any] = {"logicalLocations": [logical]}
    evidence = finding.evidence
    if is_file_location(evidence.location):
        physical: dict[str, Any] = {"artifactLocation": artifact_location(evidence.location)}
        if evidence.line is not None and evidence.line > 0:
            region: dict[str, Any] = {"startLine": evidence.line}
            if evidence.snippet:
                region["snippet"] = _text(evidence.snippet)
            physical["region"] = region
        location["physicalLocation"] = physical
    return [location]


def _message(finding: Finding) -> str:
    where = finding.evidence.location
    if finding.evidence.line:
        where += f":{finding.evidence.line}"
    text = f"{finding.title} on {finding.asset_id}"
    if where and where != finding.asset_id:
        text += f" ({where})"
    return text + "."


def _result(finding: Finding, rule_index: int, result: ScanResult) -> dict[str, Any]:
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": _text(_message(finding)),
        "locations": _locations(finding, result),
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "rank": round(finding.risk_score * 10, 1),
        "properties": {
            "severity": finding.severity.label,
            "risk_score": finding.risk_score,
            "layer": finding.layer.value,
            "asset_id": finding.asset_id,
            "evidence_key": finding.evidence.key,
            "attack_paths": list(finding.attack_path_ids),
        },
    }


def _suppressed(sarif_result: dict[str, Any]) -> dict[str, Any]:
    """A finding the scan policy suppresses: kept, so platforms can show it as dismissed."""
    sarif_result["suppressions"] = [
        {"kind": "external", "status": "accepted", "justification": SUPPRESSION_JUSTIFICATION}
    ]
    return sarif_result


def _notification(skipped: Skipped) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "level": "warning",
        "message": _text(f"Skipped {skipped.location}: {skipped.reason}"),
        "descriptor": {"id": "skipped-input"},
        "properties": {"collector": skipped.collector, "reason": skipped.reason},
    }
    if is_file_location(skipped.location) and skipped.location != skipped.collector:
        notification["locations"] = [
            {"physicalLocation": {"artifactLocation": artifact_location(skipped.location)}}
        ]
    return notification


def _single_root(scope: str) -> Path | None:
    """The scanned directory when the scope is exactly one filesystem path."""
    roots = [part for part in scope.split("|") if part.startswith("/")]
    return Path(roots[0]) if len(roots) == 1 and roots[0] == scope else None


def _run(result: ScanResult) -> dict[str, Any]:
    rules = _rules(result)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "stackward",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not result.partial,
                "startTimeUtc": _utc(result.started_at),
                "endTimeUtc": _utc(result.finished_at),
                "toolExecutionNotifications": [_notification(s) for s in result.skipped],
            }
        ],
        "results": [
            *(_result(f, index[f.rule_id], result) for f in result.findings),
            *(_suppressed(_result(f, index[f.rule_id], result)) for f in result.suppressed),
        ],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "scope": result.scope,
            "partial": result.partial,
            "checks_run": result.checks_run,
            "attack_paths": _paths(result),
        },
    }
    root = _single_root(result.scope)
    if root is not None:
        run["originalUriBaseIds"] = {SOURCE_ROOT: {"uri": root.parent.as_uri().rstrip("/") + "/"}}
    return run


def _paths(result: ScanResult) -> list[dict[str, Any]]:
    return [
        {"id": p.id, "entry": p.entry_id, "target": p.target_id, "assets": list(p.asset_ids)}
        for p in result.attack_paths
    ]


def _utc(moment: dt.datetime) -> str:
    """SARIF wants UTC with a ``Z`` suffix."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sarif_log(result: ScanResult) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [_run(result)]}


class SarifReporter:
    name = "sarif"
    suffix = ".sarif"

    def render(self, result: ScanResult) -> str:
        return json.dumps(sarif_log(result), indent=2) + "\n"
