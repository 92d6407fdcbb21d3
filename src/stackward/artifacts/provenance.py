"""Provenance of model artifacts across scans: SHA-256 baselines and signature status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from stackward.model import Asset, AssetKind

VERIFIED = "verified"


def signature_verified(asset: Asset) -> bool:
    """True when a model-signing signature was verified and covers this exact content."""
    signature = asset.properties.get("signature")
    return isinstance(signature, Mapping) and signature.get("status") == VERIFIED


def content_digest(asset: Asset) -> str | None:
    """The SHA-256 of the artifact, or for an object store without one, ``etag:…``."""
    for key in ("sha256", "content_digest"):
        value = asset.properties.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def with_baselines(assets: Sequence[Asset], baselines: Mapping[str, str]) -> list[Asset]:
    """Model artifacts whose hash differs from their recorded baseline get ``baseline_sha256``."""
    out: list[Asset] = []
    for asset in assets:
        digest = content_digest(asset)
        baseline = baselines.get(asset.id)
        if (
            asset.kind is AssetKind.MODEL_ARTIFACT
            and digest is not None
            and baseline is not None
            and baseline != digest
        ):
            asset = replace(asset, properties={**asset.properties, "baseline_sha256": baseline})
        out.append(asset)
    return out
