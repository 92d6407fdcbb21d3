"""Classifies the configured data sources and puts what they hold into the inventory.

Each source becomes a ``data.store`` asset with the classes found under it rolled up; each
item holding sensitive data (a file, an object, a table) becomes a ``data.dataset`` asset
with its classes, fields, sampling and the data policies it breaks. For a PostgreSQL source
the roles that can read each such table are added too (:mod:`.access`). Values never reach
the inventory: only classes, counts, confidences, field names and line numbers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, replace
from typing import Any

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.data.access import AccessFacts, dataset_id, table_access
from stackward.collectors.data.s3_access import bucket_access
from stackward.config.schema import DataSettings, DataSource
from stackward.dspm.classify import Settings, classify_targets, is_database
from stackward.dspm.evidence import KEY_BYTES
from stackward.dspm.policy import violations
from stackward.dspm.records import ReadLimits
from stackward.dspm.regions import source_region
from stackward.dspm.results import ItemResult
from stackward.dspm.rollup import rollup
from stackward.lineage.naming import (
    dataset_key_for_path,
    dataset_key_for_postgres_dsn,
    dataset_key_for_s3,
)
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind, Skipped

NAME = "data"


class DataCollector:
    name = NAME

    def collect(self, ctx: CollectContext) -> CollectResult:
        result = CollectResult()
        settings = ctx.config.data
        for source in settings.sources:
            target = _target(source)
            if target is None:
                result.skipped.append(
                    Skipped(f"env:{source.dsn_env}", "environment variable is not set", NAME)
                )
                continue
            self._collect_source(source, target, settings, ctx, result)
        return result

    def _collect_source(
        self,
        source: DataSource,
        target: str,
        settings: DataSettings,
        ctx: CollectContext,
        result: CollectResult,
    ) -> None:
        run = classify_targets([target], _settings(source, settings), _key(ctx))
        label = _label(source, target)
        for error in run.errors:
            result.skipped.append(Skipped(label, error, NAME))
        store_id = f"data:{label}"
        rolled: dict[str, int] = {}
        sensitive: list[ItemResult] = []
        for item in run.items:
            for problem in item.problems:
                result.skipped.append(Skipped(f"{label} :: {item.location.item}", problem, NAME))
            classes = item.classes()
            if not classes:
                continue
            for cls, summary in classes.items():
                rolled[cls] = rolled.get(cls, 0) + summary.count
            sensitive.append(item)
        access = (
            table_access(target, label, store_id, sensitive, result)
            if sensitive and is_database(target)
            else AccessFacts(datasets=bucket_access(source, label, store_id, sensitive, result))
            if sensitive and source.uri is not None
            else AccessFacts()
        )
        store_key = _store_key(source, target)
        for item in sensitive:
            extra = dict(access.datasets.get(item.location.item, {}))
            item_key = _item_key(source, target, item.location.item)
            if item_key is not None:
                extra["dataset_key"] = item_key
            asset = _item_asset(item, store_id, settings, extra)
            result.assets.append(asset)
            result.relations.append(Relation(store_id, asset.id, RelationKind.CONTAINS))
        result.assets.append(
            Asset(
                id=store_id,
                kind=AssetKind.DATA_STORE,
                layer=Layer.DATA_FOUNDATION,
                name=label,
                source=label,
                properties={
                    "data_classes": dict(sorted(rolled.items())),
                    "data_classes_by_prefix": {
                        g.prefix: dict(sorted(g.classes.items()))
                        for g in rollup(run.items)
                        if g.prefix and g.classes
                    },
                    "items_classified": len(run.items),
                    "engine": run.engine,
                    **access.store,
                    **({"dataset_key": store_key} if store_key else {}),
                },
                sensitive=bool(rolled),
            )
        )
        _place_in_region(source, target, store_id, result)


def _target(source: DataSource) -> str | None:
    if source.path is not None:
        return str(source.path)
    if source.uri is not None:
        return source.uri
    if source.dsn_env is not None:
        return os.environ.get(source.dsn_env)
    return source.dsn


def _label(source: DataSource, target: str) -> str:
    """How the store is named in the inventory: never with a password."""
    if source.dsn_env is not None:
        return f"postgresql (from ${source.dsn_env})"
    return target


def _store_key(source: DataSource, target: str) -> str | None:
    """The store's dataset key (see :mod:`stackward.lineage.naming`); never a credential."""
    if source.path is not None:
        return dataset_key_for_path(source.path)
    if source.uri is not None:
        bucket, _, prefix = source.uri.removeprefix("s3://").partition("/")
        return dataset_key_for_s3(bucket, prefix)
    return dataset_key_for_postgres_dsn(target)


def _item_key(source: DataSource, target: str, item: str) -> str | None:
    """The key of one classified item: a member of an archive is keyed by its archive."""
    if source.path is not None:
        root = source.path
        return dataset_key_for_path(root if root.is_file() else root / item.split("!", 1)[0])
    if source.uri is not None:
        bucket = source.uri.removeprefix("s3://").partition("/")[0]
        return dataset_key_for_s3(bucket, item.split("!", 1)[0])
    schema, dot, table = item.partition(".")
    return dataset_key_for_postgres_dsn(target, schema, table) if dot else None


def _settings(source: DataSource, data: DataSettings) -> Settings:
    return Settings(
        limits=ReadLimits(
            max_bytes_per_item=int(data.max_mb * 1024 * 1024),
            sample_rows=data.sample_rows,
            full_scan=data.full_scan,
        ),
        backend=data.engine,
        jobs=data.jobs or max(1, os.cpu_count() or 1),
        s3_endpoint=source.endpoint_url,
        s3_region=source.region,
    )


def _key(ctx: CollectContext) -> bytes:
    from stackward.dspm.evidence import key_from_file

    try:
        return key_from_file(ctx.config.store.path.parent / "dspm.key")
    except OSError:
        return os.urandom(KEY_BYTES)


def _item_asset(
    item: ItemResult, store_id: str, settings: DataSettings, extra: Mapping[str, Any]
) -> Asset:
    classes = item.classes()
    broken = violations(item, settings.policies)
    return Asset(
        id=dataset_id(store_id, item.location.item),
        kind=AssetKind.DATASET,
        layer=Layer.DATA_FOUNDATION,
        name=item.location.item.rsplit("/", 1)[-1],
        source=f"{item.location.source} :: {item.location.item}",
        properties={
            "path": f"{item.location.source.rstrip('/')}/{item.location.item}",
            "store": store_id,
            "format": item.kind,
            "data_classes": {
                cls: {"count": s.count, "confidence": s.confidence, "fields": list(s.fields)}
                for cls, s in classes.items()
            },
            "sampling": item.sampling,
            "rows_read": item.rows_read,
            "rows_total": item.rows_total,
            "policy_violations": [asdict(v) for v in broken],
            **extra,
        },
        sensitive=True,
    )


def _place_in_region(source: DataSource, target: str, store_id: str, result: CollectResult) -> None:
    """Set the region of the source's store and its datasets; a failed look-up is skipped."""
    region, problem = source_region(source, target)
    if problem:
        result.skipped.append(Skipped(store_id.removeprefix("data:"), problem, NAME))
    if region is None:
        return
    result.assets[:] = [
        replace(a, region=region)
        if a.id == store_id or (a.kind is AssetKind.DATASET and a.prop("store") == store_id)
        else a
        for a in result.assets
    ]
