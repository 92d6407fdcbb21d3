"""SW-DATA-011: a principal's first use of sensitive data after the baseline period, on a
hand-built graph and end to end from a PostgreSQL statement log through the usage pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stackward.checks.builtin.data.first_time_access import FirstTimeSensitiveAccessCheck
from stackward.checks.builtin.data.unused_access import UnusedSensitiveAccessCheck
from stackward.config.schema import DataSettings, DataSource, ScanConfig, UsageLog, UsageSettings
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Severity
from stackward.usage import UsagePass
from tests.conftest import findings_of, graph_of

LABEL = "postgresql (from $PG)"
DATASET = f"data:{LABEL}::public.customers"
WINDOW = {
    "start": "2026-09-01T00:00:00Z",
    "end": "2026-11-30T00:00:00Z",
    "baseline_end": "2026-10-01T00:00:00Z",
    "logs": ["/var/log/pg.log"],
}


def _entry(name: str, first: str) -> dict[str, Any]:
    return {
        "principal": f"pgrole:{LABEL}/{name}",
        "name": name,
        "reads": 1,
        "writes": 0,
        "first_seen": first,
        "last_seen": first,
        "first_event": {
            "time": first,
            "operation": "COPY TO",
            "log": "/var/log/pg.log",
            "line": 42,
        },
    }


def _dataset(entries: list[dict[str, Any]], window: Any = WINDOW, sensitive: bool = True) -> Asset:
    props: dict[str, Any] = {"usage": entries}
    if window is not None:
        props["usage_window"] = window
    return Asset(
        DATASET, AssetKind.DATASET, Layer.DATA_FOUNDATION, "public.customers", LABEL, props,
        sensitive=sensitive,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("dataset", "expected"),
    [
        pytest.param(
            _dataset([_entry("mallory", "2026-11-20T03:00:00Z")]),
            ["first:pgrole:postgresql (from $PG)/mallory"],
            id="first-use-after-baseline",
        ),
        pytest.param(
            _dataset([_entry("alice", "2026-09-03T09:00:00Z")]), [], id="twin-inside-baseline"
        ),
        pytest.param(
            _dataset([_entry("alice", "2026-10-01T00:00:00Z")]), [], id="exactly-at-baseline-end"
        ),
        pytest.param(
            _dataset([_entry("mallory", "2026-11-20T03:00:00Z")], window=None),
            [],
            id="no-window",
        ),
        pytest.param(
            _dataset([_entry("mallory", "2026-11-20T03:00:00Z")], sensitive=False),
            [],
            id="not-sensitive",
        ),
        pytest.param(_dataset([_entry("mallory", "yesterday")]), [], id="malformed-time-ignored"),
    ],
)
def test_first_time_access(dataset: Asset, expected: list[str]) -> None:
    findings = findings_of(FirstTimeSensitiveAccessCheck, graph_of([dataset]))
    assert [f.evidence.key for f in findings] == expected
    for finding in findings:
        assert finding.severity is Severity.MEDIUM
        assert finding.evidence.location == "/var/log/pg.log"
        assert finding.evidence.line == 42
        assert "COPY TO" in finding.evidence.snippet and "2026-11-20" in finding.evidence.snippet


def _line(day: str, user: str, sql: str) -> str:
    return f"2026-{day} 10:00:00.000 UTC [1] {user}@shop LOG:  statement: {sql}\n"


@pytest.mark.parametrize(
    ("mallory_day", "first_time", "unused"),
    [
        pytest.param("11-20", ["mallory"], ["bob"], id="late-first-use-and-idle-grant"),
        pytest.param("09-02", [], ["bob"], id="twin-mallory-inside-baseline"),
    ],
)
def test_end_to_end_from_a_statement_log(
    tmp_path: Path, mallory_day: str, first_time: list[str], unused: list[str]
) -> None:
    log = tmp_path / "postgresql.log"
    log.write_text(
        _line("09-01", "alice", "SELECT * FROM customers")
        + _line(mallory_day, "mallory", "COPY customers TO STDOUT")
        + _line("11-30", "alice", "SELECT email FROM customers"),
        encoding="utf-8",
    )
    roles = [
        Asset(f"pgrole:{LABEL}/{n}", AssetKind.IAM_ROLE, Layer.IDENTITY, n, LABEL)
        for n in ("alice", "bob", "mallory")
    ]
    edges = [
        Relation(r.id, DATASET, RelationKind.CAN_ACCESS, {"privileges": ["SELECT"]}) for r in roles
    ]
    graph = graph_of([_dataset([], window=None), *roles], edges)
    config = ScanConfig(
        data=DataSettings(
            sources=[DataSource(dsn_env="PG")],
            usage=UsageSettings(logs=[UsageLog(path=str(log), format="postgres", store="$PG")]),
        )
    )
    assert UsagePass().apply(graph, config) == []
    late = findings_of(FirstTimeSensitiveAccessCheck, graph)
    assert [f.evidence.key.rsplit("/", 1)[-1] for f in late] == first_time
    idle = findings_of(UnusedSensitiveAccessCheck, graph)
    assert [f.evidence.key.rsplit("/", 1)[-1] for f in idle] == unused
