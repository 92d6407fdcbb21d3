"""Hand-built inventories for residency tests: stores, datasets, jobs, models, endpoints."""

from __future__ import annotations

from typing import Any

from stackward.config.schema import ScanConfig
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind

EU_PERSONAL = {
    "name": "eu personal data",
    "classes": ["pii.*", "health.*"],
    "regions": ["eu-*", "europe-*"],
    "jurisdictions": ["EU"],
}
EU_ONLY_BY_LAW = {"name": "eu by jurisdiction", "classes": ["pii.*"], "jurisdictions": ["EU"]}


def config(*policies: dict[str, Any]) -> ScanConfig:
    return ScanConfig.model_validate({"data": {"residency": list(policies)}})


def store(asset_id: str, region: str | None) -> Asset:
    return Asset(
        id=asset_id,
        kind=AssetKind.DATA_STORE,
        layer=Layer.DATA_FOUNDATION,
        name=asset_id,
        source=asset_id,
        region=region,
    )


def dataset(
    asset_id: str,
    classes: tuple[str, ...] | list[str] = (),
    *,
    region: str | None = None,
    store_id: str | None = None,
    derived: dict[str, list[str]] | None = None,
) -> Asset:
    properties: dict[str, Any] = {"path": f"s3://lake/{asset_id}"}
    if classes:
        properties["data_classes"] = {
            c: {"count": 5, "confidence": 0.99, "fields": ["email"]} for c in classes
        }
    if store_id:
        properties["store"] = store_id
    if derived:
        properties["derived_classes"] = derived
    return Asset(
        id=asset_id,
        kind=AssetKind.DATASET,
        layer=Layer.DATA_FOUNDATION,
        name=asset_id,
        source=f"s3://lake :: {asset_id}",
        properties=properties,
        region=region,
    )


def ai_asset(
    asset_id: str,
    kind: AssetKind,
    region: str | None,
    derived: dict[str, list[str]] | None = None,
) -> Asset:
    return Asset(
        id=asset_id,
        kind=kind,
        layer=Layer.CORE_AI if kind is not AssetKind.DATA_JOB else Layer.DATA_ENGINEERING,
        name=asset_id,
        source="plan.json",
        properties={"derived_classes": derived} if derived else {},
        region=region,
    )


def edge(src: str, kind: RelationKind, dst: str) -> Relation:
    return Relation(src, dst, kind)
