"""The usage graph pass: access logs matched to the assets and principals they concern.

Sets on each data asset a log covers ``usage_window`` ({start, end, logs, baseline_end}) and
``usage`` (one entry per principal: reads, writes, admins, first_seen, last_seen and the
first event's operation, log and line). Only per (principal, asset) aggregates are kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from stackward.config.schema import ScanConfig, UsageSettings
from stackward.graph.inventory import InventoryGraph
from stackward.model import AssetKind, Skipped
from stackward.usage.aggregate import UsageAggregate, Use
from stackward.usage.matching import AssetIndex, store_label
from stackward.usage.reader import COMPONENT, LogCoverage, read_logs, scope_of

_POSTGRES = frozenset({"postgres", "postgres_csv", "postgres_json", "pgaudit"})


def iso(moment: dt.datetime) -> str:
    """ISO-8601 in UTC with a ``Z``: strings of this shape sort in time order."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class UsagePass:
    """Graph pass 2 of the shared order: after lineage linking, before propagation."""

    name = COMPONENT

    def apply(self, graph: InventoryGraph, config: ScanConfig) -> list[Skipped]:
        settings = config.data.usage
        if not settings.logs:
            return []
        aggregate = UsageAggregate(settings.window_days)
        coverages, skipped = read_logs(list(settings.logs), aggregate)
        if aggregate.newest is None:
            skipped.append(Skipped("usage", "the access logs hold no usable event", COMPONENT))
            return skipped
        labels = {scope_of(c.spec): self._label(c, config) for c in coverages}
        index = AssetIndex(graph)
        per_asset = correlate(aggregate, index, labels)
        windows = usage_windows(coverages, index, labels, aggregate, settings)
        for asset_id in sorted(set(per_asset) | set(windows)):
            asset = graph.get(asset_id)
            if asset is None:
                continue
            uses = per_asset.get(asset_id, {})
            updates: dict[str, Any] = {"usage": [_entry(p, u) for p, u in sorted(uses.items())]}
            if asset_id in windows:
                updates["usage_window"] = windows[asset_id]
            graph.add_asset(dataclasses.replace(asset, properties={**asset.properties, **updates}))
        return skipped

    @staticmethod
    def _label(coverage: LogCoverage, config: ScanConfig) -> str:
        store = coverage.spec.store or ""
        if coverage.spec.format in _POSTGRES:
            return store_label(store, list(config.data.sources))
        return store


def correlate(
    aggregate: UsageAggregate, index: AssetIndex, labels: dict[str, str]
) -> dict[str, dict[str, Use]]:
    """asset id -> principal id -> use, summed over every target that names the asset."""
    per_asset: dict[str, dict[str, Use]] = {}
    for (scope, principal, target), use in aggregate.totals().items():
        log_format = scope.split("|", 1)[0]
        label = labels.get(scope, "")
        principal_id = index.principal_id(log_format, label, principal)
        for asset_id in index.data_assets(label, target):
            per_asset.setdefault(asset_id, {}).setdefault(principal_id, Use()).merge(use)
    return per_asset


def usage_windows(
    coverages: Iterable[LogCoverage],
    index: AssetIndex,
    labels: dict[str, str],
    aggregate: UsageAggregate,
    settings: UsageSettings,
) -> dict[str, dict[str, Any]]:
    """asset id -> the window the logs that cover it span. A log covers the datasets of its
    PostgreSQL store, the buckets it names, or the secrets of its cluster."""
    assert aggregate.newest is not None and aggregate.window_start is not None
    covered: dict[str, list[LogCoverage]] = {}
    for coverage in coverages:
        if not coverage.files or coverage.earliest is None:
            continue
        for asset_id in _covered_assets(coverage, index, labels.get(scope_of(coverage.spec), "")):
            covered.setdefault(asset_id, []).append(coverage)
    windows: dict[str, dict[str, Any]] = {}
    for asset_id, logs in covered.items():
        earliest = min(c.earliest for c in logs if c.earliest is not None)
        start = max(earliest, aggregate.window_start)
        windows[asset_id] = {
            "start": iso(start),
            "end": iso(aggregate.newest),
            "baseline_end": iso(start + dt.timedelta(days=settings.baseline_days)),
            "logs": sorted({f for c in logs for f in c.files}),
        }
    return windows


def _covered_assets(coverage: LogCoverage, index: AssetIndex, label: str) -> list[str]:
    log_format = coverage.spec.format
    graph = index.graph
    if log_format in _POSTGRES:
        prefix = f"data:{label}::"
        return [a.id for a in graph.assets(AssetKind.DATASET) if a.id.startswith(prefix)]
    if log_format == "k8s_audit":
        prefix = f"k8s@{label}:" if label else "k8s:"
        return [a.id for a in graph.assets(AssetKind.K8S_SECRET) if a.id.startswith(prefix)]
    found: list[str] = []
    for key, asset_ids in index.by_key.items():
        if key.startswith("s3://") and f"s3://{key[5:].split('/', 1)[0]}" in coverage.buckets:
            found.extend(asset_ids)
    return found


def _entry(principal: str, use: Use) -> dict[str, Any]:
    assert use.first is not None and use.last is not None
    first = use.first
    return {
        "principal": principal,
        "name": first.principal,
        "reads": use.reads,
        "writes": use.writes,
        "admins": use.admins,
        "first_seen": iso(first.time),
        "last_seen": iso(use.last),
        "first_event": {
            "time": iso(first.time),
            "operation": first.operation,
            "log": first.log,
            "line": first.line,
        },
    }
