"""Kubernetes collector (manifests and live clusters)."""

from __future__ import annotations

from stackward.collectors.base import CollectContext, CollectResult


class KubernetesCollector:
    name = "kubernetes"

    def collect(self, ctx: CollectContext) -> CollectResult:
        return CollectResult()
