from __future__ import annotations

from typing import Any

import pytest

from stackward.checks.builtin.data.inherited_sensitive_access import (
    InheritedSensitiveAccessCheck,
)
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Severity
from tests.conftest import findings_of, graph_of

DATASET = "data:pg::crm.people"


def _dataset(classes: list[str]) -> Asset:
    return Asset(
        id=DATASET,
        kind=AssetKind.DATASET,
        layer=Layer.DATA_FOUNDATION,
        name="crm.people",
        source="pg :: crm.people",
        properties={"data_classes": {c: {"count": 1} for c in classes}},
    )


def _role(name: str, everyone: bool = False) -> Asset:
    return Asset(
        id=f"pgrole:pg/{name}",
        kind=AssetKind.IAM_ROLE,
        layer=Layer.IDENTITY,
        name=name,
        source="pg",
        properties={"everyone": everyone},
    )


def _edge(name: str, through: list[str], access: list[str] | None = None) -> Relation:
    props: dict[str, Any] = {
        "access": ["read"] if access is None else access,
        "inherited_through": through,
        "via": [name, *(f"member of {r}" for r in through), "GRANT SELECT ON crm.people TO x"],
    }
    return Relation(f"pgrole:pg/{name}", DATASET, RelationKind.CAN_ACCESS, props)


@pytest.mark.parametrize(
    ("classes", "edges", "expected"),
    [
        pytest.param(["pii.email"], [_edge("app", ["analysts"])], [Severity.LOW], id="one-hop"),
        pytest.param(
            ["secret.github_token"], [_edge("app", ["team", "readers"])], [Severity.MEDIUM],
            id="secret-two-hops",
        ),
        pytest.param(["pii.email"], [_edge("app", [])], [], id="direct-grant"),
        pytest.param(["pii.email"], [_edge("app", ["PUBLIC"])], [], id="through-public"),
        pytest.param(["pii.email"], [_edge("app", ["team"], ["write"])], [], id="write-only"),
        pytest.param([], [_edge("app", ["team"])], [], id="nothing-sensitive"),
    ],
)  # fmt: skip
def test_inherited_access(
    classes: list[str], edges: list[Relation], expected: list[Severity]
) -> None:
    graph = graph_of([_dataset(classes), _role("app")], edges)
    findings = findings_of(InheritedSensitiveAccessCheck, graph)
    assert [f.severity for f in findings] == expected
    if expected:
        assert findings[0].evidence.snippet.startswith("app -> member of ")


def test_everyone_principals_are_left_to_their_own_checks() -> None:
    graph = graph_of([_dataset(["pii.email"]), _role("app", everyone=True)], [_edge("app", ["x"])])
    assert findings_of(InheritedSensitiveAccessCheck, graph) == []


def test_many_chains_are_counted_and_the_first_shown() -> None:
    names = [f"login{i}" for i in range(8)]
    graph = graph_of(
        [_dataset(["pii.email"]), *(_role(n) for n in names)],
        [_edge(n, ["analysts"]) for n in names],
    )
    (finding,) = findings_of(InheritedSensitiveAccessCheck, graph)
    assert "8 principal(s)" in finding.title and "and 3 more" in finding.title
    assert (
        finding.evidence.snippet
        == "login0 -> member of analysts -> GRANT SELECT ON crm.people TO x"
    )
    assert finding.title.count("->") == 5 * 2
