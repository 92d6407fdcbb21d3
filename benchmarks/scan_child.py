"""One measured stackward scan, run in a fresh process by ``scan_scale.py``.

It goes through the public API (``ScanConfig``, ``run_scan``, ``open_store``) and times the
phases by handing ``run_scan`` thin timing wrappers around the registered collectors and
checks, so the pipeline measured is the real one. The last stdout line is a JSON object.

Usage: ``python -m benchmarks.scan_child ROOT STORE_PATH``
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackward.checks import Check, load_checks
from stackward.checks.base import Violation
from stackward.collectors import CollectContext, Collector, CollectResult, load_collectors
from stackward.config import ScanConfig
from stackward.config.schema import Sources
from stackward.graph.inventory import InventoryGraph
from stackward.model import Asset
from stackward.scan import ScanResult, run_scan
from stackward.store import open_store


@dataclass(slots=True)
class PhaseClock:
    """Timestamps (``perf_counter``) of the phase boundaries seen through the wrappers."""

    collect_end: float | None = None
    checks_start: float | None = None
    checks_end: float | None = None


class TimedCollector:
    def __init__(self, inner: Collector, clock: PhaseClock) -> None:
        self.name = inner.name
        self._inner = inner
        self._clock = clock

    def collect(self, ctx: CollectContext) -> CollectResult:
        try:
            return self._inner.collect(ctx)
        finally:
            self._clock.collect_end = time.perf_counter()


class _TimedCheck(Check):
    def __init__(self, inner: Check, clock: PhaseClock) -> None:
        self._inner = inner
        self._clock = clock

    def evaluate(self, asset: Asset, graph: InventoryGraph) -> Iterable[Violation]:
        if self._clock.checks_start is None:
            self._clock.checks_start = time.perf_counter()
        try:
            return list(self._inner.evaluate(asset, graph))
        finally:
            self._clock.checks_end = time.perf_counter()


def timed_check(inner: Check, clock: PhaseClock) -> Check:
    """A check with ``inner``'s metadata whose evaluations stamp the clock."""
    cls = type(f"Timed{type(inner).__name__}", (_TimedCheck,), {"meta": inner.meta})
    check: Check = cls(inner, clock)
    return check


def _phases(start: float, end: float, clock: PhaseClock) -> dict[str, float]:
    collect_end = clock.collect_end or start
    checks_start = clock.checks_start or collect_end
    checks_end = clock.checks_end or checks_start
    return {
        "collect": collect_end - start,
        "graph": checks_start - collect_end,
        "checks": checks_end - checks_start,
        "paths": end - checks_end,
    }


def _counts(result: ScanResult) -> dict[str, Any]:
    kinds = Counter(str(a.kind) for a in result.graph.assets())
    return {
        "assets": len(result.graph),
        "relations": result.graph.relation_count,
        "findings": len(result.findings),
        "attack_paths": len(result.attack_paths),
        "skipped": len(result.skipped),
        "checks_run": result.checks_run,
        "asset_kinds": dict(sorted(kinds.items())),
        "finding_rules": dict(sorted(Counter(f.rule_id for f in result.findings).items())),
    }


def measure_scan(root: Path, store_path: Path) -> dict[str, Any]:
    """Scan ``root``, record the result in a new store at ``store_path``; return timings."""
    clock = PhaseClock()
    collectors: list[Collector] = [TimedCollector(c, clock) for c in load_collectors()]
    checks = [timed_check(c, clock) for c in load_checks()]
    config = ScanConfig(sources=Sources(paths=[root]))
    start = time.perf_counter()
    result = run_scan(config, collectors=collectors, checks=checks)
    scanned = time.perf_counter()
    store = open_store(store_path)
    try:
        store.record_scan(result)
    finally:
        store.close()
    stored = time.perf_counter()
    phases = _phases(start, scanned, clock)
    phases["store"] = stored - scanned
    return {"phases_s": phases, "scan_s": stored - start, **_counts(result)}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m benchmarks.scan_child ROOT STORE_PATH", file=sys.stderr)
        return 2
    root, store_path = Path(argv[0]), Path(argv[1])
    store_path.unlink(missing_ok=True)
    print(json.dumps(measure_scan(root, store_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
