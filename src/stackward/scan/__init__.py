"""One scan: collect, build the graph, run checks, find attack paths, rank."""

from __future__ import annotations

from stackward.scan.pipeline import run_scan
from stackward.scan.result import ScanResult

__all__ = ["ScanResult", "run_scan"]
