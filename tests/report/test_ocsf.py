"""OCSF output: every line validates against the vendored OCSF 1.8.0 class schemas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from stackward import __version__
from stackward.frameworks import atlas, nist
from stackward.report.interface import load_reporters
from stackward.report.ocsf import OcsfReporter, attacks, risk_level
from stackward.scan.result import ScanResult
from tests.report.scan_fixture import FINISHED, stack_scan

SCHEMAS = Path(__file__).parent / "schemas" / "ocsf"
SCHEMA_FILES = {
    2003: "2003_compliance_finding.schema.json",
    2004: "2004_detection_finding.schema.json",
}


@cache
def validator(class_uid: int) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / SCHEMA_FILES[class_uid]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(event: dict[str, Any]) -> list[str]:
    errors = validator(event["class_uid"]).iter_errors(event)
    return [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.fixture(scope="module")
def scan() -> ScanResult:
    return stack_scan()


@pytest.fixture(scope="module")
def events(scan: ScanResult) -> list[dict[str, Any]]:
    text = OcsfReporter().render(scan)
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def by_rule(events: list[dict[str, Any]], rule_id: str) -> dict[str, Any]:
    return next(e for e in events if e["finding_info"]["analytic"]["uid"] == rule_id)


def test_one_line_per_finding(events: list[dict[str, Any]], scan: ScanResult) -> None:
    assert [e["finding_info"]["uid"] for e in events] == [f.fingerprint for f in scan.findings]


def test_every_line_validates(events: list[dict[str, Any]]) -> None:
    for event in events:
        assert schema_errors(event) == [], event["finding_info"]["title"]


def test_validation_rejects_an_attribute_that_needs_a_profile(
    events: list[dict[str, Any]],
) -> None:
    event = dict(by_rule(events, "TEST-EXPOSED-001"))
    event["cloud"] = {"provider": "AWS", "region": "eu-west-1"}
    assert schema_errors(event)


def test_posture_finding_is_a_failed_compliance_finding(events: list[dict[str, Any]]) -> None:
    event = by_rule(events, "TEST-EXPOSED-001")
    assert (event["class_uid"], event["category_uid"], event["type_uid"]) == (2003, 2, 200301)
    assert (event["activity_id"], event["status_id"], event["severity_id"]) == (1, 1, 4)
    compliance = event["compliance"]
    assert compliance["status_id"] == 3
    assert compliance["control"] == "TEST-EXPOSED-001"
    assert compliance["standards"] == [
        "MITRE ATLAS 5.6.0",
        "NIST AI RMF 1.0",
        "OWASP LLM Top 10 2025",
    ]
    assert compliance["requirements"] == [
        "AML.T0049",
        "AML.T0040",
        "AML.M0019",
        "NIST MANAGE 2.4",
        "NIST MEASURE 2.7",
        "OWASP LLM10",
    ]
    assert "risk_score" not in event
    assert event["unmapped"]["stackward"]["risk_score"] == 8.5


def test_content_finding_is_a_detection_finding(events: list[dict[str, Any]]) -> None:
    event = by_rule(events, "TEST-SECRET-001")
    assert (event["class_uid"], event["type_uid"], event["severity_id"]) == (2004, 200401, 5)
    assert "compliance" not in event
    assert (event["risk_score"], event["risk_level_id"], event["risk_level"]) == (
        100,
        4,
        "Critical",
    )


def test_metadata_and_time(events: list[dict[str, Any]], scan: ScanResult) -> None:
    event = events[0]
    assert event["time"] == int(FINISHED.timestamp() * 1000)
    assert event["metadata"]["version"] == "1.8.0"
    assert event["metadata"]["product"] == {
        "name": "stackward",
        "vendor_name": "stackward",
        "version": __version__,
    }
    assert event["metadata"]["uid"] == scan.findings[0].fingerprint


def test_finding_info_maps_atlas_techniques_to_tactics(events: list[dict[str, Any]]) -> None:
    info = by_rule(events, "TEST-EXPOSED-001")["finding_info"]
    pairs = {(a["technique"]["uid"], a["tactic"]["uid"]) for a in info["attacks"]}
    assert pairs == {("AML.T0049", "AML.TA0004"), ("AML.T0040", "AML.TA0000")}
    first = info["attacks"][0]
    assert first["technique"]["name"] == "Exploit Public-Facing Application"
    assert first["tactic"]["name"] == "Initial Access"
    assert info["analytic"] == {
        "uid": "TEST-EXPOSED-001",
        "name": "LLM API reachable from the internet without authentication",
        "type_id": 1,
        "type": "Rule",
        "category": "core_ai",
    }


def test_sub_technique_is_nested_under_its_parent() -> None:
    (attack,) = attacks((atlas("AML.T0011.000"), atlas("AML.M0012"), nist("MAP 4.1")))
    assert attack["technique"]["uid"] == "AML.T0011"
    assert attack["sub_technique"]["uid"] == "AML.T0011.000"
    assert attack["tactic"] == {"uid": "AML.TA0005", "name": "Execution"}


def test_resource_evidence_and_remediation(events: list[dict[str, Any]]) -> None:
    event = by_rule(events, "TEST-EXPOSED-001")
    (resource,) = event["resources"]
    assert resource["uid"] == "k8s:deployment/ml/llm-api"
    assert resource["type"] == "ai.llm_service"
    assert resource["name"] == "llm-api"
    assert resource["namespace"] == "ml"
    assert resource["labels"] == ["app=llm-api", "team=ml-platform"]
    assert {"name": "region", "value": "eu-west-1"} in resource["tags"]
    (evidence,) = event["evidences"]
    assert evidence["data"] == {
        "location": "ai-stack/k8s/llm-api.yaml",
        "line": 14,
        "snippet": "auth: none",
    }
    assert event["remediation"]["desc"].startswith("Put the API behind")
    assert "https://atlas.mitre.org/techniques/AML.T0049" in event["remediation"]["references"]


def test_secret_evidence_stays_redacted(events: list[dict[str, Any]]) -> None:
    snippet = by_rule(events, "TEST-SECRET-001")["evidences"][0]["data"]["snippet"]
    assert "abcdefghijklmnopqrstuvwxyz" not in snippet


def test_finding_without_rule_metadata_is_a_valid_compliance_finding() -> None:
    scan = stack_scan()
    scan.rules.clear()
    for line in OcsfReporter().render(scan).splitlines():
        event = json.loads(line)
        assert event["class_uid"] == 2003
        assert schema_errors(event) == []


def test_no_findings_renders_nothing() -> None:
    scan = stack_scan()
    scan.findings.clear()
    assert OcsfReporter().render(scan) == ""


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (10.0, (4, "Critical")),
        (9.0, (4, "Critical")),
        (8.5, (3, "High")),
        (5.5, (2, "Medium")),
        (3.0, (1, "Low")),
        (1.0, (0, "Info")),
    ],
)
def test_risk_level(score: float, expected: tuple[int, str]) -> None:
    assert risk_level(score) == expected


def test_registered_as_builtin() -> None:
    assert isinstance(load_reporters()["ocsf"], OcsfReporter)


def test_suppressed_findings_have_status_suppressed() -> None:
    scan = stack_scan()
    hidden = scan.findings.pop()
    scan.suppressed.append(hidden)
    events = [json.loads(line) for line in OcsfReporter().render(scan).splitlines()]
    assert [(e["status_id"], e["status"]) for e in events] == [
        (1, "New"),
        (1, "New"),
        (3, "Suppressed"),
    ]
    assert events[-1]["finding_info"]["uid"] == hidden.fingerprint
    assert all(schema_errors(e) == [] for e in events)
