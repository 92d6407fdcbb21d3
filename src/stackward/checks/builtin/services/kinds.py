"""The asset kinds a fingerprinted service can have, and how its facts are read safely."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stackward.model import Asset, AssetKind, Severity

SERVICE_KINDS = frozenset(
    {
        AssetKind.AI_SERVICE,
        AssetKind.LLM_SERVICE,
        AssetKind.VECTOR_STORE,
        AssetKind.NOTEBOOK_INSTANCE,
        AssetKind.MODEL_REGISTRY,
    }
)
FINGERPRINT_SOURCE_PREFIX = "service:"


def entries(asset: Asset, key: str) -> list[Mapping[str, Any]]:
    """The mapping entries of a list property of a fingerprinted asset; others are ignored."""
    if not asset.id.startswith(FINGERPRINT_SOURCE_PREFIX):
        return []
    value = asset.prop(key)
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def severity_of(text: object, default: Severity) -> Severity:
    try:
        return Severity.parse(str(text))
    except ValueError:
        return default
