"""NIST AI RMF coverage: subcategories addressed by the checks that ran, and the open ones."""

from __future__ import annotations

from stackward.model import Severity
from stackward.report.nist_coverage import nist_coverage
from tests.report.scan_fixture import stack_scan


def test_functions_in_framework_order_with_their_totals() -> None:
    scan = stack_scan()
    coverage = nist_coverage(scan.rules, scan.findings)
    assert [(f.name, f.total) for f in coverage] == [
        ("GOVERN", 19),
        ("MAP", 18),
        ("MEASURE", 22),
        ("MANAGE", 13),
    ]


def test_subcategories_list_their_checks_and_open_findings() -> None:
    scan = stack_scan()
    by_id = {s.id: s for f in nist_coverage(scan.rules, scan.findings) for s in f.subcategories}
    assert sorted(by_id) == ["GOVERN 1.6", "MANAGE 2.4", "MAP 4.1", "MEASURE 2.7"]
    manage = by_id["MANAGE 2.4"]
    assert manage.checks == ["TEST-EXPOSED-001", "TEST-SECRET-001"]
    assert (manage.open_findings, manage.max_severity) == (2, Severity.CRITICAL)
    assert manage.text.startswith("Mechanisms are in place")


def test_covered_without_findings_is_not_open() -> None:
    scan = stack_scan()
    coverage = nist_coverage(scan.rules, [])
    assert [(f.name, f.covered, f.failing) for f in coverage] == [
        ("GOVERN", 1, 0),
        ("MAP", 1, 0),
        ("MEASURE", 1, 0),
        ("MANAGE", 1, 0),
    ]
