"""Puts the self-hosted AI services named in ``services.endpoints`` into the inventory.

Each endpoint is fingerprinted with read-only requests (:mod:`stackward.fingerprint`). A
recognised service becomes one asset of the kind its rule names, with product, version,
the requests that identified it, what answered without credentials and the advisories its
version falls under. Endpoints that do not answer or match no rule are reported as skipped.
Services found in Kubernetes manifests are probed later, once every collector has run, by
:class:`stackward.fingerprint.kubernetes_pass.KubernetesServiceProbePass`.
"""

from __future__ import annotations

from stackward.collectors.base import CollectContext, CollectResult
from stackward.fingerprint import FingerprintRun, fingerprint_sync
from stackward.fingerprint.assets import service_asset
from stackward.model import Skipped

NAME = "fingerprint"

__all__ = ["NAME", "FingerprintCollector", "service_asset", "to_result"]


class FingerprintCollector:
    name = NAME

    def collect(self, ctx: CollectContext) -> CollectResult:
        settings = ctx.config.services
        result = CollectResult()
        if not settings.endpoints:
            return result
        run = fingerprint_sync(settings.endpoints, concurrency=settings.fingerprint_concurrency)
        return to_result(run)


def to_result(run: FingerprintRun) -> CollectResult:
    """Pure: a fingerprint run as assets and skips."""
    result = CollectResult()
    for service in run.services:
        result.assets.append(service_asset(service))
    for endpoint, reason in run.problems:
        result.skipped.append(Skipped(f"service {endpoint}", reason, NAME))
    return result
