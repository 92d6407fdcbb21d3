"""SW-K8S-011: serving pods that automount their service-account token."""

from __future__ import annotations

import pytest

from stackward.checks.builtin.kubernetes.automount_token_serving import ServingTokenAutomountCheck
from tests.checks.builtin.kubernetes.k8s_objects import (
    Obj,
    container,
    deployment,
    graph_from,
    service_account,
)
from tests.conftest import findings_of


def _serving(pod: Obj) -> Obj:
    return deployment("llm", containers=[container()], pod=pod)


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        ([_serving({"automountServiceAccountToken": True})], 1),
        ([_serving({"automountServiceAccountToken": None})], 1),
        ([_serving({"automountServiceAccountToken": False})], 0),
        (
            [
                _serving({"automountServiceAccountToken": None, "serviceAccountName": "llm"}),
                service_account("llm", automount=False),
            ],
            0,
        ),
        (
            [
                _serving({"automountServiceAccountToken": True, "serviceAccountName": "llm"}),
                service_account("llm", automount=False),
            ],
            1,
        ),
        (
            [
                deployment(
                    "nb",
                    containers=[container("quay.io/jupyter/base-notebook:x")],
                    pod={"automountServiceAccountToken": True},
                )
            ],
            0,
        ),
    ],
)
def test_serving_token_automount(objects: list[Obj], expected: int) -> None:
    assert len(findings_of(ServingTokenAutomountCheck, graph_from(objects))) == expected
