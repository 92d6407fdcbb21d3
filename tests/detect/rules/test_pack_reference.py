"""The pack's scenarios through the reference evaluator: pySigma's SQLite backend, run for real
on in-memory SQLite.

Each scenario's records are flattened the way that backend expects (one ``logs`` table, one
column per dotted field path, JSON booleans as ``'true'``/``'false'``, a ``timestamp`` column
for correlations, case-insensitive columns as Zircolite builds them). Every rule of the pack
that applies to the scenario's log source and that SQL can express is run: single-event rules
as ``SELECT``, correlations through the backend's correlation compiler. The rules that fire
must be exactly those ``expected.yaml`` lists.

Formats that need a line parser (S3 access logs, web access logs) and rules over parser
annotations (``stackward.*``, the LLM gateway rules) have no raw JSON to flatten here; they are
covered by ``test_pack_engine.py`` through our parsers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sigma.backends.sqlite import sqliteBackend
from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from tests.detect.rules.pack import (
    Scenario,
    alerting_rules,
    load_collection,
    read_lines,
    rule_files,
    scenarios,
    stackward_id,
)

# Raw JSON formats the reference can load directly: logsource and the field that holds the time.
RAW_FORMATS = {
    "cloudtrail": (("aws", "cloudtrail"), "eventTime"),
    "k8s_audit": (("kubernetes", "audit"), "requestReceivedTimestamp"),
}
ANNOTATION_PREFIX = "stackward."

CompiledRule = tuple[str, str]  # (stackward id, SQL)


def flatten(record: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Dotted paths to scalar values; lists are kept as JSON text, booleans as 'true'/'false'."""
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flatten(value, path + ".")
        elif isinstance(value, bool):
            yield path, "true" if value else "false"
        elif isinstance(value, list):
            yield path, json.dumps(value)
        else:
            yield path, value


def _fields_of(rule: SigmaRule) -> set[str]:
    fields: set[str] = set()
    for detection in rule.detection.detections.values():
        stack: list[Any] = [detection]
        while stack:
            node = stack.pop()
            stack.extend(getattr(node, "detection_items", ()))
            if getattr(node, "field", None):
                fields.add(node.field)
    return fields


def _uses_annotations(rule: SigmaRule | SigmaCorrelationRule) -> bool:
    if isinstance(rule, SigmaCorrelationRule):
        group = rule.group_by or []
        return any(f.startswith(ANNOTATION_PREFIX) for f in group) or any(
            _uses_annotations(ref.rule) for ref in rule.rules
        )
    return any(f.startswith(ANNOTATION_PREFIX) for f in _fields_of(rule))


def _logsource_of(rule: SigmaRule | SigmaCorrelationRule) -> tuple[str | None, str | None]:
    base = rule.rules[0].rule if isinstance(rule, SigmaCorrelationRule) else rule
    while isinstance(base, SigmaCorrelationRule):
        base = base.rules[0].rule
    return base.logsource.product, base.logsource.service


@cache
def compiled_rules(logsource: tuple[str, str]) -> tuple[CompiledRule, ...]:
    """Every alerting pack rule for ``logsource``, as SQL over the ``logs`` table."""
    compiled: list[CompiledRule] = []
    for path in rule_files():
        collection = load_collection(path)
        backend = sqliteBackend()
        backend.init_processing_pipeline(None)
        converted: dict[int, list[str]] = {}
        for rule in collection.rules:  # base rules first: correlations read their predicates
            if isinstance(rule, SigmaRule):
                converted[id(rule)] = backend.convert_rule(rule)
        for rule in collection.rules:
            if isinstance(rule, SigmaCorrelationRule):
                converted[id(rule)] = backend.convert_correlation_rule(rule)
        for rule in alerting_rules(collection):
            if _logsource_of(rule) != logsource or _uses_annotations(rule):
                continue
            sid = stackward_id(rule)
            assert sid is not None
            queries = converted[id(rule)]
            assert len(queries) == 1, (path.name, rule.title)
            compiled.append((sid, queries[0]))
    return tuple(compiled)


@cache
def _required_columns(logsource: tuple[str, str]) -> frozenset[str]:
    columns: set[str] = set()
    for path in rule_files():
        for rule in load_collection(path).rules:
            if (
                isinstance(rule, SigmaRule)
                and (rule.logsource.product, rule.logsource.service) == logsource
            ):
                columns |= _fields_of(rule)
            elif isinstance(rule, SigmaCorrelationRule):
                columns |= set(rule.group_by or [])
                field = getattr(rule.condition, "fieldref", None)
                if field:
                    columns.add(field)
    return frozenset(columns)


def load_table(connection: sqlite3.Connection, scenario: Scenario) -> None:
    logsource, time_field = RAW_FORMATS[scenario.format]
    rows = [dict(flatten(json.loads(line))) for line in read_lines(scenario.path)]
    for row in rows:
        row["timestamp"] = row[time_field]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    columns.update(dict.fromkeys(sorted(_required_columns(logsource))))
    quoted = [f"`{name}` COLLATE NOCASE" for name in columns]
    connection.execute(f"CREATE TABLE logs ({', '.join(quoted)})")
    names = list(columns)
    placeholders = ", ".join("?" for _ in names)
    column_list = ", ".join(f"`{n}`" for n in names)
    connection.executemany(
        f"INSERT INTO logs ({column_list}) VALUES ({placeholders})",  # noqa: S608 - test-built names
        [[row.get(n) for n in names] for row in rows],
    )


def fired_rules(scenario: Scenario) -> set[str]:
    logsource = RAW_FORMATS[scenario.format][0]
    connection = sqlite3.connect(":memory:")
    try:
        load_table(connection, scenario)
        return {sid for sid, sql in compiled_rules(logsource) if connection.execute(sql).fetchall()}
    finally:
        connection.close()


REFERENCE_SCENARIOS = [s for s in scenarios() if s.format in RAW_FORMATS]


def test_the_reference_covers_cloudtrail_and_kubernetes_rules() -> None:
    assert len(compiled_rules(RAW_FORMATS["cloudtrail"][0])) >= 10
    assert len(compiled_rules(RAW_FORMATS["k8s_audit"][0])) == 3
    assert len(REFERENCE_SCENARIOS) >= 60


@pytest.mark.parametrize("scenario", REFERENCE_SCENARIOS, ids=lambda s: s.id)
def test_reference_fires_exactly_the_expected_rules(scenario: Scenario) -> None:
    logsource = RAW_FORMATS[scenario.format][0]
    checked = {sid for sid, _ in compiled_rules(logsource)}
    assert fired_rules(scenario) == scenario.fires & checked


def test_flatten_keeps_paths_booleans_and_lists() -> None:
    record = {"a": {"b": True, "c": [1, 2]}, "d": None, "e.f": 3}
    assert dict(flatten(record)) == {"a.b": "true", "a.c": "[1, 2]", "d": None, "e.f": 3}


def test_a_scenario_path_is_a_file() -> None:
    assert all(isinstance(s.path, Path) and s.path.is_file() for s in REFERENCE_SCENARIOS)
