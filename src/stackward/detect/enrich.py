"""What the inventory knows about an alert: the assets it touches, their owners, attack paths.

An alert names what was acted on (``target``: a model id, an endpoint, ``bucket/key``, a
Kubernetes ``namespace/name``) and who acted (``actor``: a principal ARN, a service account).
:class:`Enricher` finds those in the latest scan of the scan store, adds the assets one hop
away that explain the risk (the model an endpoint serves, the data a model was trained on,
the workload a service routes to, the role a workload runs as), their owners, and the attack
paths any of them lies on. A path's risk is the highest risk score of the open findings on
its assets in that scan (0 when it has none); ``max_path_risk`` is the highest over the paths.

How values are matched to assets is described in :mod:`stackward.detect.asset_match`.
Matches per value are capped, lookups are cached (LRU), and the store is
opened read-only. Without a store, or with an empty one, every alert gets an empty
:class:`~stackward.detect.alert.Enrichment`.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from stackward.detect.alert import Alert, Enrichment
from stackward.detect.asset_match import AssetIndex
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset, AssetKind, Layer, Relation, RelationKind

CACHE_SIZE = 4096
LOOKUP_KEYS = ("target", "model", "endpoint", "url", "bucket", "key", "namespace", "actor")
"""Evidence and excerpt keys whose values are matched too (besides target and actor)."""


class Enricher:
    """Builds :class:`Enrichment` for alerts from the latest scan stored at ``store_path``."""

    def __init__(self, store_path: Path | str | None) -> None:
        self.store_path = Path(store_path) if store_path else None
        self._index: AssetIndex | None = None
        self._cache: OrderedDict[tuple[str, ...], Enrichment] = OrderedDict()
        self.problem = ""
        """Why no inventory is available (no store, unreadable store), for the caller to log."""

    def enrich(self, alert: Alert) -> Enrichment:
        index = self._load()
        if index is None:
            return Enrichment()
        values = _lookup_values(alert)
        key = tuple(f"{role}={value}" for role, value in values)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        enrichment = index.enrichment(values)
        self._cache[key] = enrichment
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return enrichment

    def refresh(self) -> None:
        """Forget the loaded inventory, so the next alert reads the store's newest scan."""
        self._index = None
        self._cache.clear()

    def _load(self) -> AssetIndex | None:
        if self._index is not None or self.problem:
            return self._index
        if self.store_path is None or not self.store_path.is_file():
            self.problem = f"{self.store_path}: no scan store, alerts are not enriched"
            return None
        try:
            self._index = _read_latest_scan(self.store_path)
            if self._index is None:
                self.problem = f"{self.store_path}: the scan store holds no scan yet"
        except sqlite3.Error as exc:
            self.problem = f"{self.store_path}: cannot read the scan store: {exc}"
        return self._index


def _lookup_values(alert: Alert) -> list[tuple[str, str]]:
    """(role, value) pairs to match: target, actor, and target-like evidence values."""
    values: list[tuple[str, str]] = []
    if alert.target:
        values.append(("target", alert.target))
    if alert.actor:
        values.append(("actor", alert.actor))
    sources: list[Mapping[str, Any]] = [alert.evidence, *(r.excerpt for r in alert.events[:5])]
    for source in sources:
        for name in LOOKUP_KEYS:
            value = source.get(name)
            if isinstance(value, str) and value:
                role = "actor" if name == "actor" else "target"
                values.append((role, value))
    return list(dict.fromkeys(values))[:16]


def _read_latest_scan(path: Path) -> AssetIndex | None:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    db = sqlite3.connect(uri, uri=True)
    try:
        row = db.execute("SELECT MAX(id) FROM scans").fetchone()
        if row is None or row[0] is None:
            return None
        scan_id = int(row[0])
        graph = InventoryGraph()
        for asset in _assets(db, scan_id):
            graph.add_asset(asset)
        for relation in _relations(db, scan_id):
            graph.add_relation(relation)
        risk = {
            str(r[0]): float(r[1])
            for r in db.execute(
                "SELECT f.asset_id, MAX(f.risk_score) FROM findings f JOIN scan_findings s"
                " ON s.fingerprint = f.fingerprint WHERE s.scan_id = ? AND f.status = 'open'"
                " GROUP BY f.asset_id",
                (scan_id,),
            )
        }
    finally:
        db.close()
    return AssetIndex(graph, risk)


def _assets(db: sqlite3.Connection, scan_id: int) -> Iterator[Asset]:
    for row in db.execute(
        "SELECT id, kind, layer, name, source, region, properties, labels, sensitive,"
        " internet_exposed FROM assets WHERE last_scan = ?",
        (scan_id,),
    ):
        try:
            yield Asset(
                id=row[0],
                kind=AssetKind(row[1]),
                layer=Layer(row[2]),
                name=row[3],
                source=row[4],
                region=row[5],
                properties=orjson.loads(row[6]),
                labels=orjson.loads(row[7]),
                sensitive=bool(row[8]),
                internet_exposed=bool(row[9]),
            )
        except (ValueError, orjson.JSONDecodeError):
            continue  # a kind or layer a newer stackward wrote


def _relations(db: sqlite3.Connection, scan_id: int) -> Iterator[Relation]:
    for src, dst, kind in db.execute(
        "SELECT src, dst, kind FROM relations WHERE last_scan = ?", (scan_id,)
    ):
        try:
            yield Relation(src, dst, RelationKind(kind))
        except ValueError:
            continue
