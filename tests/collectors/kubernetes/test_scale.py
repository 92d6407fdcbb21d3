"""Selector matching scales with the answer, not with services x pods.

Ten thousand workloads and ten thousand Services in one namespace: a naive match would make
10^8 label comparisons (minutes); the label index answers in well under the bound.
"""

from __future__ import annotations

import time

from stackward.collectors.kubernetes.manifests import SourcedObject
from stackward.collectors.kubernetes.transform import transform
from stackward.model import RelationKind
from tests.checks.builtin.kubernetes.k8s_objects import deployment, network_policy, service

COUNT = 10_000


def test_ten_thousand_services_in_one_namespace() -> None:
    objects = [deployment(f"app-{i}", namespace="big") for i in range(COUNT)]
    objects += [service(f"app-{i}", namespace="big") for i in range(COUNT)]
    objects.append(
        network_policy("web-only", namespace="big", selector={"matchLabels": {"app": "app-7"}})
    )
    sourced = [SourcedObject(o, f"big.yaml#{i}") for i, o in enumerate(objects)]
    started = time.perf_counter()
    inventory = transform(sourced)
    elapsed = time.perf_counter() - started
    routes = [r for r in inventory.relations if r.kind is RelationKind.ROUTES_TO]
    selects = [r for r in inventory.relations if r.kind is RelationKind.SELECTS]
    assert len(routes) == COUNT
    assert all(r.src.rsplit("/", 1)[-1] == r.dst.rsplit("/", 1)[-1] for r in routes)
    assert [r.dst for r in selects] == ["k8s:deployment/big/app-7"]
    assert elapsed < 30, f"transform of {len(objects)} objects took {elapsed:.1f}s"
