"""The pack's scenarios through our own pipeline stages: each line is parsed by
``stackward.detect.parsers.parse_record`` with the scenario's format, every event goes through one
``SigmaDetector`` holding the whole pack, and the batch is flushed at the end. Exactly the rule
ids ``expected.yaml`` lists must alert: positives fire their rule, hard negatives (allowed
principal, failed call, read instead of write, below threshold, out of order, outside the
window) fire nothing of theirs.

This covers every format, including the line formats (S3 access logs, MLflow, Jupyter and Ray
access logs) and the LLM gateway rules that read parser annotations (``stackward.*``), which
the SQLite reference in ``test_pack_reference.py`` cannot evaluate.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

import pytest

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord
from stackward.detect.parsers import parse_record
from stackward.detect.sigma import SigmaDetector, load_rules
from stackward.model.refs import Framework
from tests.detect.rules.pack import (
    RULES_DIR,
    Scenario,
    correlation_ids,
    rule_files,
    scenarios,
)


@cache
def _load_pack() -> Any:
    rule_set = load_rules(rule_files(), builtin=False)
    assert rule_set.problems == []
    return rule_set


def run_scenario(scenario: Scenario) -> list[Any]:
    """Every alert the pack raises over the scenario, in order."""
    detector = SigmaDetector(_load_pack())
    alerts: list[Any] = []
    offset = 0
    data = scenario.path.read_bytes()
    for number, raw_line in enumerate(data.splitlines(keepends=True), start=1):
        offset += len(raw_line)
        line = raw_line.decode("utf-8").rstrip("\r\n")
        if not line.strip():
            continue
        position = Position(source=str(scenario.path), offset=offset, line=number)
        record = RawRecord(data=line, position=position, format=scenario.format)
        for event in parse_record(record):
            assert event.format == scenario.format
            alerts.extend(detector.process(event))
    alerts.extend(detector.flush(None))
    return alerts


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_engine_fires_exactly_the_expected_rules(scenario: Scenario) -> None:
    alerts = run_scenario(scenario)
    assert {alert.rule_id for alert in alerts} == set(scenario.fires)


@pytest.mark.parametrize(
    "scenario", [s for s in scenarios() if s.kind == "positive"], ids=lambda s: s.id
)
def test_alerts_carry_framework_refs_and_event_evidence(scenario: Scenario) -> None:
    alerts = run_scenario(scenario)
    assert alerts
    for alert in alerts:
        assert alert.detector == "sigma"
        assert any(ref.framework == Framework.ATLAS for ref in alert.refs)
        assert alert.events
    # A correlation raises one alert per occurrence in these scenarios, not one per event.
    counts = Counter(alert.rule_id for alert in alerts if alert.rule_id in correlation_ids())
    assert all(count == 1 for count in counts.values()), counts


def test_alerts_are_deterministic_across_replays() -> None:
    positive = next(
        s for s in scenarios() if s.stem == "bedrock_llmjacking_sequence" and s.kind == "positive"
    )
    first = [alert.uid for alert in run_scenario(positive)]
    second = [alert.uid for alert in run_scenario(positive)]
    assert first and first == second


def test_correlation_alerts_are_grouped_by_the_principal() -> None:
    positive = next(
        s for s in scenarios() if s.stem == "bedrock_llmjacking_sequence" and s.kind == "positive"
    )
    sequence = [a for a in run_scenario(positive) if a.rule_id == "SW-DET-001"]
    assert len(sequence) == 1
    assert "svc-legacy-export" in sequence[0].group


def test_the_builtin_pack_loads_from_package_data() -> None:
    rule_set = load_rules([], builtin=True)
    assert rule_set.problems == []
    assert RULES_DIR.is_dir()
    assert len(rule_set.rules) == len(_load_pack().rules)
