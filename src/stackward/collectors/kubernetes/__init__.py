"""Kubernetes collector: manifests (YAML/JSON, List dumps, rendered Helm and Kustomize
output) and live clusters (read-only), turned into AI-aware assets and attack relations."""

from __future__ import annotations

from stackward.collectors.kubernetes.collector import KubernetesCollector

__all__ = ["KubernetesCollector"]
