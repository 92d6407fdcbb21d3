"""SW-K8S-020: AI containers adding dangerous capabilities."""

from __future__ import annotations

import pytest

from stackward.checks.base import Check
from stackward.checks.builtin.kubernetes.dangerous_capabilities import DangerousCapabilitiesCheck
from stackward.model import Severity
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of

HARD = {"runAsNonRoot": True, "runAsUser": 1000, "allowPrivilegeEscalation": False}


def _one(check: type[Check], obj: Obj) -> list[tuple[str, Severity]]:
    return [(f.evidence.key, f.severity) for f in findings_of(check, graph_from([obj]))]


CAPABILITY_CASES: list[tuple[str, Obj, int]] = [
    (
        "sys admin",
        deployment(
            "a", containers=[container(security={**HARD, "capabilities": {"add": ["SYS_ADMIN"]}})]
        ),
        1,
    ),
    (
        "lower-case all",
        deployment(
            "a", containers=[container(security={**HARD, "capabilities": {"add": ["all"]}})]
        ),
        1,
    ),
    (
        "chown only",
        deployment(
            "a", containers=[container(security={**HARD, "capabilities": {"add": ["CHOWN"]}})]
        ),
        0,
    ),
    (
        "drop all",
        deployment(
            "a", containers=[container(security={**HARD, "capabilities": {"drop": ["ALL"]}})]
        ),
        0,
    ),
]


@pytest.mark.parametrize(("case", "obj", "expected"), CAPABILITY_CASES)
def test_dangerous_capabilities(case: str, obj: Obj, expected: int) -> None:
    assert len(_one(DangerousCapabilitiesCheck, obj)) == expected, case
