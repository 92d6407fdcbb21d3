"""SW-K8S-010: AI service accounts with cluster-admin or wildcard Secret access."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.ai_service_account_admin import (
    OverprivilegedAIServiceAccountCheck,
)
from stackward.model import Severity
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    binding,
    container,
    deployment,
    graph_from,
    role,
    sa_subject,
    service_account,
)
from tests.conftest import findings_of

WEB_IMAGE = "nginx:1.27@sha256:" + "d" * 64


AI_APP = deployment(
    "notebook",
    containers=[container("quay.io/jupyter/base-notebook:x")],
    pod={"serviceAccountName": "nb"},
)


WEB_APP = deployment(
    "web", namespace="web", containers=[container(WEB_IMAGE)], pod={"serviceAccountName": "nb"}
)


CLUSTER_ADMIN = binding(
    "nb-admin", "ClusterRole", "cluster-admin", [sa_subject("nb")], namespace=None
)


WILDCARD_SECRETS = role(
    "secrets-all", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]}]
)


READ_NAMED = role(
    "read-one",
    [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["x"]}],
)


STAR_RESOURCES = role("star", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list"]}])


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ([AI_APP, service_account("nb"), CLUSTER_ADMIN], [Severity.CRITICAL]),
        (
            [AI_APP, binding("b", "ClusterRole", "cluster-admin", [sa_subject("nb")])],
            [Severity.CRITICAL],
        ),
        (
            [AI_APP, WILDCARD_SECRETS, binding("b", "Role", "secrets-all", [sa_subject("nb")])],
            [Severity.HIGH],
        ),
        (
            [AI_APP, STAR_RESOURCES, binding("b", "Role", "star", [sa_subject("nb")])],
            [Severity.HIGH],
        ),
        ([AI_APP, READ_NAMED, binding("b", "Role", "read-one", [sa_subject("nb")])], []),
        ([AI_APP, binding("b", "ClusterRole", "view", [sa_subject("nb")])], []),
        (
            [
                WEB_APP,
                binding(
                    "b", "ClusterRole", "cluster-admin", [sa_subject("nb", "web")], namespace=None
                ),
            ],
            [],
        ),
    ],
)
def test_overprivileged_ai_service_account(objects: list[Obj], expected: list[Severity]) -> None:
    findings = findings_of(OverprivilegedAIServiceAccountCheck, graph_from(objects))
    assert [f.severity for f in findings] == expected
