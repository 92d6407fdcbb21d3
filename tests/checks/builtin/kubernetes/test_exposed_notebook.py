"""SW-K8S-002: notebook servers exposed without authentication."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.exposed_notebook import ExposedNotebookCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    AUTH_ANNOTATIONS,
    DIGEST,
    Obj,
    app,
    graph_from,
    ingress,
    service,
)
from tests.conftest import findings_of

NOTEBOOK = "quay.io/jupyter/scipy-notebook:2024-10-07" + DIGEST

NOTEBOOK_CASES: list[tuple[str, list[Obj], int]] = [
    (
        "token disabled behind ingress",
        [app(NOTEBOOK, args=["--ServerApp.token="]), service("app"), ingress("app", "app")],
        1,
    ),
    ("default token behind ingress", [app(NOTEBOOK), service("app"), ingress("app", "app")], 0),
    (
        "token disabled, cluster ip",
        [app(NOTEBOOK, args=["--ServerApp.token="]), service("app")],
        0,
    ),
    (
        "token disabled, ingress with auth",
        [
            app(NOTEBOOK, args=["--ServerApp.token="]),
            service("app"),
            ingress("app", "app", annotations=AUTH_ANNOTATIONS),
        ],
        0,
    ),
]


@pytest.mark.parametrize(("case", "objects", "expected"), NOTEBOOK_CASES)
def test_exposed_notebook(case: str, objects: list[Obj], expected: int) -> None:
    findings = findings_of(ExposedNotebookCheck, graph_from(objects))
    assert len(findings) == expected, (case, [f.title for f in findings])
    assert all(f.rule_id == ExposedNotebookCheck.meta.id and f.evidence.snippet for f in findings)
