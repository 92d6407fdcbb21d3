"""The bundled example stack: every planted weakness is found; the fixed twin is clean."""

from __future__ import annotations

import re
from functools import cache

import pytest

from stackward.config import ScanConfig, load_config
from stackward.scan import ScanResult, run_scan
from tests.conftest import EXAMPLES

VULNERABLE = EXAMPLES / "ai-stack"
FIXED = EXAMPLES / "ai-stack-fixed"
_ROW = re.compile(r"^\|\s*(SW-[A-Z0-9-]+)\s*\|\s*`?([^|`]+?)`?\s*\|")


def expected_rows() -> list[tuple[str, str]]:
    text = (VULNERABLE / "EXPECTED.md").read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for line in text.splitlines() if (m := _ROW.match(line))]


@cache
def scan(path: str) -> ScanResult:
    """Scan one example stack with its own ``stackward.yaml`` when it has one."""
    own = EXAMPLES / path / "stackward.yaml"
    config = load_config(own) if own.is_file() else ScanConfig()
    sources = config.sources.model_copy(update={"paths": [EXAMPLES / path]})
    return run_scan(config.model_copy(update={"sources": sources}))


def test_expected_md_lists_planted_weaknesses() -> None:
    rows = expected_rows()
    assert len(rows) >= 30
    assert len(rows) == len(set(rows)), "duplicate rows in EXPECTED.md"


@pytest.mark.parametrize(("rule", "asset"), expected_rows())
def test_planted_weakness_is_reported(rule: str, asset: str) -> None:
    found = {(f.rule_id, f.asset_id) for f in scan("ai-stack").findings}
    assert (rule, asset) in found


def test_every_reported_finding_is_planted() -> None:
    planted = set(expected_rows())
    unexpected = sorted(
        (f.rule_id, f.asset_id)
        for f in scan("ai-stack").findings
        if (f.rule_id, f.asset_id) not in planted
    )
    assert unexpected == []


def test_fixed_twin_has_no_findings() -> None:
    result = scan("ai-stack-fixed")
    assert [(f.rule_id, f.asset_id, f.title) for f in result.findings] == []


def test_example_scans_are_complete_and_have_attack_paths() -> None:
    for name in ("ai-stack", "ai-stack-fixed"):
        assert scan(name).skipped == [], name
    assert scan("ai-stack").attack_paths
    assert len(scan("ai-stack").rules) >= 30
    assert len({meta.layer for meta in scan("ai-stack").rules.values()}) >= 6
    layers_with_findings = {f.layer for f in scan("ai-stack").findings}
    assert len(layers_with_findings) >= 6
