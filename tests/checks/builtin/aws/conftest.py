from __future__ import annotations

from typing import Any

from stackward.model import Asset, AssetKind, Layer


def tf_asset(
    rtype: str,
    kind: AssetKind,
    layer: Layer = Layer.INFRASTRUCTURE,
    *,
    sensitive: bool = False,
    name: str = "x",
    **properties: Any,
) -> Asset:
    """An asset shaped as the Terraform collector emits it."""
    return Asset(
        id=f"tf:{rtype}.{name}",
        kind=kind,
        layer=layer,
        name=name,
        source="stack/plan.json",
        properties={"address": f"{rtype}.{name}", "resource_type": rtype, **properties},
        sensitive=sensitive,
    )
