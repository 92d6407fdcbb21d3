"""One measured run of the access or the lineage analysis, in a fresh process.

``access DSN``: what ``stackward scan`` does for a PostgreSQL source once classification has
found sensitive tables: read the catalog (read-only) and build the access graph, here with
every table taken as holding sensitive data (the most work). ``lineage FILE DATASETS CLASSIFIED``: the
lineage collector over an OpenLineage file, then the scan's graph passes (linking lineage
datasets to ``CLASSIFIED`` synthetic classified datasets spread evenly over the ``DATASETS``, usage, classification
propagation, residency). The last stdout line is a JSON object of counts and phase times.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def _access(dsn: str) -> dict[str, Any]:
    from stackward.collectors.base import CollectResult
    from stackward.collectors.data.access import access_graph
    from stackward.dspm.access import read_catalog
    from stackward.dspm.readers.postgres import connect_read_only
    from stackward.dspm.records import Location
    from stackward.dspm.results import FieldFinding, ItemResult

    started = time.perf_counter()
    with connect_read_only(dsn) as conn:
        catalog = read_catalog(conn)
    read_s = time.perf_counter() - started
    items = []
    for table in catalog.tables:
        item = ItemResult(Location("pg", f"{table.schema}.{table.name}"), "postgres.table")
        item.fields.append(FieldFinding("email", "pii.email", 0.99, 100, 100, 100, 100, ()))
        items.append(item)
    result = CollectResult()
    built = time.perf_counter()
    properties = access_graph(catalog, "pg", "data:pg", items, result)
    graph_s = time.perf_counter() - built
    return {
        "roles": len(catalog.roles),
        "tables": len(catalog.tables),
        "table_grants": len(catalog.table_grants),
        "memberships": len(catalog.memberships),
        "principal_assets": len(result.assets),
        "can_access_edges": len(result.relations),
        "public_tables": sum(1 for p in properties.values() if p["public_access"]),
        "catalog_read_s": round(read_s, 2),
        "access_graph_s": round(graph_s, 2),
        "problems": list(catalog.problems),
    }


def _lineage(events: Path, datasets: int, classified: int) -> dict[str, Any]:
    from benchmarks.lineage_events import NAMESPACE, dataset_name
    from stackward.collectors.base import CollectContext
    from stackward.config.schema import ScanConfig
    from stackward.graph.inventory import InventoryGraph
    from stackward.lineage.collector import LineageCollector
    from stackward.model import Asset, AssetKind, Layer
    from stackward.scan.passes import apply_passes

    config = ScanConfig.model_validate(
        {
            "lineage": {"openlineage": [str(events)], "receiver_dir": str(events.parent / "none")},
            "data": {
                "residency": [{"name": "pii-in-eu", "classes": ["pii.*"], "regions": ["eu-*"]}]
            },
        }
    )
    started = time.perf_counter()
    collected = LineageCollector().collect(CollectContext(config=config, files=[]))
    collect_s = time.perf_counter() - started
    graph = InventoryGraph()
    graph.extend(collected.assets, collected.relations)
    step = max(1, datasets // max(1, classified))
    for index in range(0, step * classified, step):
        key = f"{NAMESPACE}/{dataset_name(index)}"
        graph.add_asset(
            Asset(
                id=f"data:{NAMESPACE}::{dataset_name(index)}",
                kind=AssetKind.DATASET,
                layer=Layer.DATA_FOUNDATION,
                name=dataset_name(index),
                source=key,
                properties={
                    "dataset_key": key,
                    "data_classes": {"pii.email": {"count": 10, "confidence": 0.99, "fields": []}},
                },
                region="eu-west-1",
                sensitive=True,
            )
        )
    passes_started = time.perf_counter()
    skipped = apply_passes(graph, config)
    passes_s = time.perf_counter() - passes_started
    derived = sum(1 for a in graph.assets() if a.prop("derived_classes"))
    return {
        "assets": len(collected.assets),
        "relations": len(collected.relations),
        "skipped": len(collected.skipped) + len(skipped),
        "skipped_first": [str(s) for s in [*collected.skipped, *skipped][:3]],
        "classified_datasets": classified,
        "assets_with_derived_classes": derived,
        "collect_s": round(collect_s, 2),
        "passes_s": round(passes_s, 2),
    }


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "access":
        report = _access(argv[1])
    elif mode == "lineage":
        report = _lineage(Path(argv[1]), int(argv[2]), int(argv[3]))
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
