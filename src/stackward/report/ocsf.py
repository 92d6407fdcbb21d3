"""OCSF 1.8 JSON Lines: one Compliance or Detection Finding per finding, for a SIEM or a lake.

A posture finding (a weak setting) is a Compliance Finding (class 2003) that fails the checked
controls; a finding that means harmful content is present (``CheckMeta.detection``: a secret, a
payload) is a Detection Finding (class 2004). Only attributes of the base classes are used, no
profiles, so every line validates against the plain class schemas (``additionalProperties:
false``). Values OCSF has no slot for (the stackward risk score on a compliance finding, the
attack paths, the layer) go under ``unmapped``, which OCSF reserves for exactly that.
Findings a policy suppressed are emitted too, with status Suppressed, so the SIEM can close them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from stackward import __version__
from stackward.checks.base import CheckMeta
from stackward.frameworks import atlas_catalog
from stackward.model import Asset, ControlRef, Finding, Framework, Severity
from stackward.report.references import STANDARDS, atlas_url, framework_tag
from stackward.scan.result import ScanResult

OCSF_VERSION = "1.8.0"
CATEGORY_FINDINGS = 2
COMPLIANCE_FINDING = 2003
DETECTION_FINDING = 2004
CLASS_NAMES = {COMPLIANCE_FINDING: "Compliance Finding", DETECTION_FINDING: "Detection Finding"}
ACTIVITY_CREATE = 1
STATUS_NEW = 1
STATUS_SUPPRESSED = 3
COMPLIANCE_FAIL = 3
ANALYTIC_RULE = 1

SEVERITY_ID = {
    Severity.INFO: 1,
    Severity.LOW: 2,
    Severity.MEDIUM: 3,
    Severity.HIGH: 4,
    Severity.CRITICAL: 5,
}
SEVERITY_NAME = {1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}

RISK_LEVELS = ((9.0, 4, "Critical"), (7.0, 3, "High"), (4.0, 2, "Medium"), (1.5, 1, "Low"))
"""Lower bound of our 0-10 risk score, OCSF ``risk_level_id`` and its caption."""


def class_of(meta: CheckMeta | None) -> int:
    """Detection Finding when harmful content is present, Compliance Finding otherwise."""
    return DETECTION_FINDING if meta is not None and meta.detection else COMPLIANCE_FINDING


def attacks(refs: tuple[ControlRef, ...]) -> list[dict[str, Any]]:
    """One OCSF ``attack`` per (technique, tactic) pair of the ATLAS technique refs.

    A sub-technique is reported with its parent as ``technique``, as OCSF models ATT&CK;
    mitigations are not attacks and are left to the remediation references.
    """
    catalog = atlas_catalog()
    tactic_names = {t.id: t.name for t in catalog.tactics}
    out: list[dict[str, Any]] = []
    for ref in refs:
        technique = catalog.techniques.get(ref.id) if ref.framework is Framework.ATLAS else None
        if technique is None:
            continue
        attack: dict[str, Any] = {"version": catalog.version}
        if technique.parent:
            parent = catalog.techniques[technique.parent]
            attack["technique"] = _named(parent.id, parent.name)
            attack["sub_technique"] = _named(technique.id, technique.name)
        else:
            attack["technique"] = _named(technique.id, technique.name)
        tactics = catalog.tactics_of(technique.id)
        if not tactics:
            out.append(attack)
        out.extend(
            {**attack, "tactic": {"uid": tactic_id, "name": tactic_names[tactic_id]}}
            for tactic_id in tactics
        )
    return out


def _named(uid: str, name: str) -> dict[str, str]:
    return {"uid": uid, "name": name, "src_url": atlas_url(uid)}


def resource(asset_id: str, asset: Asset | None) -> dict[str, Any]:
    """The asset as an OCSF ``resource_details``; the region is a tag (``cloud`` needs more)."""
    if asset is None:
        return {"uid": asset_id, "name": asset_id}
    out: dict[str, Any] = {"uid": asset.id, "name": asset.name, "type": asset.kind.value}
    tags = [
        {"name": "layer", "value": asset.layer.value},
        {"name": "source", "value": asset.source},
    ]
    if asset.region:
        tags.append({"name": "region", "value": asset.region})
    out["tags"] = tags
    if asset.labels:
        out["labels"] = [f"{key}={value}" for key, value in sorted(asset.labels.items())]
    namespace = asset.prop("namespace")
    if isinstance(namespace, str) and namespace:
        out["namespace"] = namespace
    if asset.sensitive:
        out["criticality"] = "high"
    out["data"] = {
        "layer": asset.layer.value,
        "sensitive": asset.sensitive,
        "internet_exposed": asset.internet_exposed,
    }
    return out


def evidence(finding: Finding) -> dict[str, Any]:
    ev = finding.evidence
    data: dict[str, Any] = {"location": ev.location}
    if ev.line is not None:
        data["line"] = ev.line
    if ev.snippet:
        data["snippet"] = ev.snippet
    if ev.key:
        data["key"] = ev.key
    return {"name": ev.location, "data": data}


def remediation(finding: Finding) -> dict[str, Any]:
    references = [atlas_url(r.id) for r in finding.refs if r.framework is Framework.ATLAS] + [
        f"{r.framework.value} {r.id}: {r.name}"
        for r in finding.refs
        if r.framework is not Framework.ATLAS
    ]
    out: dict[str, Any] = {"desc": finding.remediation}
    if references:
        out["references"] = references
    return out


def compliance(finding: Finding, meta: CheckMeta | None) -> dict[str, Any]:
    frameworks = sorted({r.framework for r in finding.refs}, key=list(Framework).index)
    out: dict[str, Any] = {
        "control": finding.rule_id,
        "standards": [STANDARDS[f] for f in frameworks],
        "requirements": [framework_tag(r) for r in finding.refs],
        "compliance_references": [{"uid": framework_tag(r), "title": r.name} for r in finding.refs],
        "category": finding.layer.display_name,
        "status_id": COMPLIANCE_FAIL,
        "status": "Fail",
    }
    if meta is not None:
        out["desc"] = meta.rationale
    return out


def finding_info(finding: Finding, meta: CheckMeta | None, created_ms: int) -> dict[str, Any]:
    info: dict[str, Any] = {
        "uid": finding.fingerprint,
        "title": finding.title,
        "desc": meta.rationale if meta is not None else finding.title,
        "types": ["Detection" if meta is not None and meta.detection else "Posture"],
        "analytic": {
            "uid": finding.rule_id,
            "name": meta.title if meta is not None else finding.title,
            "type_id": ANALYTIC_RULE,
            "type": "Rule",
            "category": finding.layer.value,
        },
        "created_time": created_ms,
    }
    found = attacks(finding.refs)
    if found:
        info["attacks"] = found
    return info


def risk_level(score: float) -> tuple[int, str]:
    for bound, level_id, caption in RISK_LEVELS:
        if score >= bound:
            return level_id, caption
    return 0, "Info"


def _millis(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def event(finding: Finding, result: ScanResult, suppressed: bool = False) -> dict[str, Any]:
    """One OCSF finding event for ``finding``; a policy-suppressed one has status Suppressed."""
    meta = result.rules.get(finding.rule_id)
    class_uid = class_of(meta)
    severity_id = SEVERITY_ID[finding.severity]
    time_ms = _millis(result.finished_at)
    out: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_FINDINGS,
        "category_name": "Findings",
        "class_uid": class_uid,
        "class_name": CLASS_NAMES[class_uid],
        "type_uid": class_uid * 100 + ACTIVITY_CREATE,
        "type_name": f"{CLASS_NAMES[class_uid]}: Create",
        "severity_id": severity_id,
        "severity": SEVERITY_NAME[severity_id],
        "status_id": STATUS_SUPPRESSED if suppressed else STATUS_NEW,
        "status": "Suppressed" if suppressed else "New",
        "time": time_ms,
        "start_time": _millis(result.started_at),
        "end_time": time_ms,
        "message": f"{finding.title} on {finding.asset_id}",
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "stackward", "vendor_name": "stackward", "version": __version__},
            "uid": finding.fingerprint,
            "event_code": finding.rule_id,
            "log_name": "scan",
        },
        "finding_info": finding_info(finding, meta, time_ms),
        "resources": [resource(finding.asset_id, result.graph.get(finding.asset_id))],
        "evidences": [evidence(finding)],
        "remediation": remediation(finding),
        "unmapped": {
            "stackward": {
                "risk_score": finding.risk_score,
                "layer": finding.layer.value,
                "attack_paths": list(finding.attack_path_ids),
                "scope": result.scope,
            }
        },
    }
    if class_uid == COMPLIANCE_FINDING:
        out["compliance"] = compliance(finding, meta)
    else:
        level_id, caption = risk_level(finding.risk_score)
        out["risk_score"] = round(finding.risk_score * 10)
        out["risk_level_id"] = level_id
        out["risk_level"] = caption
    return out


class OcsfReporter:
    name = "ocsf"
    suffix = ".ocsf.jsonl"

    def render(self, result: ScanResult) -> str:
        events = [
            *(event(f, result) for f in result.findings),
            *(event(f, result, suppressed=True) for f in result.suppressed),
        ]
        return "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events)
