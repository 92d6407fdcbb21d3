"""SW-DATA-010: a grant on sensitive data nobody used in the log window."""

from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.data.unused_access import UnusedSensitiveAccessCheck
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Severity
from tests.conftest import findings_of, graph_of

LABEL = "postgresql (from $PG)"
DATASET = f"data:{LABEL}::public.customers"
WINDOW = {
    "start": "2026-09-01T00:00:00Z",
    "end": "2026-11-30T00:00:00Z",
    "baseline_end": "2026-10-01T00:00:00Z",
    "logs": ["/var/log/postgresql/postgresql.csv"],
}


def _role(name: str, **props: Any) -> Asset:
    return Asset(f"pgrole:{LABEL}/{name}", AssetKind.IAM_ROLE, Layer.IDENTITY, name, LABEL, props)


def _dataset(usage: list[str], window: Any = WINDOW, sensitive: bool = True) -> Asset:
    entries = [
        {"principal": f"pgrole:{LABEL}/{p}", "reads": 3, "writes": 0, "first_seen": "x"}
        for p in usage
    ]
    props: dict[str, Any] = {"usage": entries, "data_classes": {"pii.email": {"count": 1}}}
    if window is not None:
        props["usage_window"] = window
    return Asset(
        DATASET, AssetKind.DATASET, Layer.DATA_FOUNDATION, "public.customers", LABEL, props,
        sensitive=sensitive,
    )  # fmt: skip


def _grant(name: str, privileges: list[str], reason: str = "grant", **extra: Any) -> Relation:
    props = {"privileges": privileges, "via": [name], "reason": reason, **extra}
    return Relation(f"pgrole:{LABEL}/{name}", DATASET, RelationKind.CAN_ACCESS, props)


@pytest.mark.parametrize(
    ("dataset", "roles", "edges", "expected"),
    [
        pytest.param(
            _dataset(["alice"]),
            [_role("alice"), _role("bob")],
            [_grant("alice", ["SELECT"]), _grant("bob", ["SELECT", "INSERT"])],
            ["unused:pgrole:postgresql (from $PG)/bob"],
            id="bob-never-used-his-grant",
        ),
        pytest.param(
            _dataset(["alice", "bob"]),
            [_role("alice"), _role("bob")],
            [_grant("alice", ["SELECT"]), _grant("bob", ["SELECT", "INSERT"])],
            [],
            id="twin-both-used",
        ),
        pytest.param(
            _dataset([]),
            [_role("carol")],
            [_grant("carol", [], access=["write"])],
            ["unused:pgrole:postgresql (from $PG)/carol"],
            id="normalised-access-property",
        ),
        pytest.param(
            _dataset([]),
            [_role("PUBLIC", everyone=True), _role("root", superuser=True), _role("dba")],
            [
                _grant("PUBLIC", ["SELECT"]),
                _grant("root", ["SELECT"], reason="superuser"),
                _grant("dba", ["SELECT"], reason="owner"),
            ],
            [],
            id="everyone-superuser-owner-skipped",
        ),
        pytest.param(
            _dataset([]),
            [_role("auditor")],
            [_grant("auditor", ["REFERENCES"], access=["admin"])],
            [],
            id="admin-only-grant-skipped",
        ),
        pytest.param(
            _dataset([], window=None),
            [_role("bob")],
            [_grant("bob", ["SELECT"])],
            [],
            id="no-log-covers-the-table",
        ),
        pytest.param(
            _dataset([], sensitive=False),
            [_role("bob")],
            [_grant("bob", ["SELECT"])],
            [],
            id="not-sensitive",
        ),
    ],
)
def test_unused_grants(
    dataset: Asset, roles: list[Asset], edges: list[Relation], expected: list[str]
) -> None:
    findings = findings_of(UnusedSensitiveAccessCheck, graph_of([dataset, *roles], edges))
    assert sorted(f.evidence.key for f in findings) == expected
    for finding in findings:
        assert finding.severity is Severity.MEDIUM
        assert "postgresql.csv" in finding.title
