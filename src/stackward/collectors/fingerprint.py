"""Puts the self-hosted AI services named in ``services.endpoints`` into the inventory.

Each endpoint is fingerprinted with read-only requests (:mod:`stackward.fingerprint`). A
recognised service becomes one asset of the kind its rule names, with product, version,
the requests that identified it, what answered without credentials and the advisories its
version falls under. Endpoints that do not answer or match no rule are reported as skipped.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from stackward.collectors.base import CollectContext, CollectResult
from stackward.fingerprint import FingerprintRun, ServiceFinding, fingerprint_sync
from stackward.model import Asset, AssetKind, Layer, Skipped

NAME = "fingerprint"


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


def service_asset(service: ServiceFinding) -> Asset:
    rule = service.rule
    exposures = [asdict(e) for e in service.exposures]
    properties: dict[str, Any] = {
        "product": rule.product,
        "product_name": rule.name,
        "version": service.version,
        "endpoint": service.target.base_url,
        "host": service.target.host,
        "port": service.target.port,
        "identified_by": list(service.identified_by),
        "unauthenticated": bool(exposures),
        "exposures": exposures,
        "advisories": [asdict(a) for a in service.advisories],
        "rule_sources": list(rule.source),
    }
    return Asset(
        id=f"service:{service.target.base_url}",
        kind=rule.asset_kind,
        layer=Layer.EXPERIMENTATION
        if rule.asset_kind is AssetKind.NOTEBOOK_INSTANCE
        else Layer.CORE_AI,
        name=f"{rule.name} at {service.target.host}:{service.target.port}",
        source=service.target.base_url,
        properties=properties,
    )
