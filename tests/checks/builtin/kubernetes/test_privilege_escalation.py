"""SW-K8S-018: AI containers that allow privilege escalation."""

from __future__ import annotations

import pytest

from stackward.checks.base import Check
from stackward.checks.builtin.kubernetes.privilege_escalation import AIPrivilegeEscalationCheck
from stackward.model import Severity
from tests.checks.builtin.kubernetes.k8s_objects import Obj, container, deployment, graph_from
from tests.conftest import findings_of

WEB_IMAGE = "nginx:1.27@sha256:" + "d" * 64


def _one(check: type[Check], obj: Obj) -> list[tuple[str, Severity]]:
    return [(f.evidence.key, f.severity) for f in findings_of(check, graph_from([obj]))]


ESCALATION_CASES: list[tuple[str, Obj, int]] = [
    ("unset", deployment("a", containers=[container(security={"runAsNonRoot": True})]), 1),
    (
        "true",
        deployment("a", containers=[container(security={"allowPrivilegeEscalation": True})]),
        1,
    ),
    ("false", deployment("a"), 0),
    ("non ai", deployment("a", containers=[container(WEB_IMAGE, security={})]), 0),
]


@pytest.mark.parametrize(("case", "obj", "expected"), ESCALATION_CASES)
def test_privilege_escalation(case: str, obj: Obj, expected: int) -> None:
    assert len(_one(AIPrivilegeEscalationCheck, obj)) == expected, case
