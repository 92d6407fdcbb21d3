"""A fingerprinted service as an inventory asset: one shape for every way a target was found."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from stackward.model import Asset, AssetKind, Layer

if TYPE_CHECKING:
    from stackward.fingerprint.engine import ServiceFinding


def service_asset_id(base_url: str) -> str:
    return f"service:{base_url}"


def service_asset(service: ServiceFinding, **extra: Any) -> Asset:
    """Product, version, the requests that identified it, what answered without credentials
    and the advisories its version falls under; ``extra`` adds where the target came from."""
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
        **extra,
    }
    return Asset(
        id=service_asset_id(service.target.base_url),
        kind=rule.asset_kind,
        layer=Layer.EXPERIMENTATION
        if rule.asset_kind is AssetKind.NOTEBOOK_INSTANCE
        else Layer.CORE_AI,
        name=f"{rule.name} at {service.target.host}:{service.target.port}",
        source=service.target.base_url,
        properties=properties,
    )
