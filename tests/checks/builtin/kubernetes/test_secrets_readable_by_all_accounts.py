"""SW-K8S-019: Secrets readable by every service account in an AI namespace."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.secrets_readable_by_all_accounts import (
    SecretsReadableByAllAccountsCheck,
)
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    binding,
    container,
    deployment,
    graph_from,
    role,
    sa_subject,
)
from tests.conftest import findings_of

READER = role("reader", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}])


CONFIG_READER = role("config", [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}])


AI_IN_ML = deployment("llm", containers=[container()])


def _group(
    name: str, role_kind: str = "Role", role_name: str = "reader", namespace: str | None = "ml"
) -> Obj:
    return binding(
        "everyone", role_kind, role_name, [{"kind": "Group", "name": name}], namespace=namespace
    )


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ([AI_IN_ML, READER, _group("system:serviceaccounts:ml")], 1),
        ([AI_IN_ML, READER, _group("system:serviceaccounts")], 1),
        ([AI_IN_ML, READER, _group("system:authenticated")], 1),
        ([AI_IN_ML, _group("system:serviceaccounts", "ClusterRole", "edit", None)], 1),
        ([AI_IN_ML, CONFIG_READER, _group("system:serviceaccounts:ml", role_name="config")], 0),
        ([AI_IN_ML, READER, _group("ml-admins")], 0),
        ([AI_IN_ML, READER, binding("one", "Role", "reader", [sa_subject("llm")])], 0),
        (
            [
                deployment("web", containers=[container("nginx:1@sha256:" + "d" * 64)]),
                READER,
                _group("system:serviceaccounts:ml"),
            ],
            0,
        ),
    ],
)
def test_secrets_readable_by_all_accounts(objects: list[Obj], expected: int) -> None:
    assert len(findings_of(SecretsReadableByAllAccountsCheck, graph_from(objects))) == expected
