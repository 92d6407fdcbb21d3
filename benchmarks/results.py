"""What one benchmark run measured, in plain data the report renders and JSON stores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from benchmarks.coverage.compare import Verdict
from benchmarks.machine import Machine
from benchmarks.measure import Measurement
from benchmarks.stackgen import StackSummary

TARGET_SCALE = 1.0
TARGET_SECONDS = 60.0
TARGET_RSS_MB = 1024.0
TARGET_CPUS = 2


@dataclass(frozen=True, slots=True)
class ScanRun:
    """One stackward scan of one generated stack, measured from outside and inside."""

    stack: StackSummary
    generate_s: float
    process: Measurement
    child: dict[str, Any]
    """The child's JSON line: phase times, counts; empty if the child failed."""

    @property
    def ok(self) -> bool:
        return self.process.returncode == 0 and not self.process.timed_out and bool(self.child)

    @property
    def phases(self) -> dict[str, float]:
        phases: dict[str, float] = self.child.get("phases_s", {})
        return phases

    @property
    def startup_s(self) -> float:
        """Start-up (imports, loading checks) and exit: process wall time outside the scan."""
        return max(0.0, self.process.wall_s - float(self.child.get("scan_s", 0.0)))

    def meets_target(self) -> bool:
        return (
            self.ok
            and self.process.wall_s < TARGET_SECONDS
            and self.process.peak_rss_mb < TARGET_RSS_MB
        )


@dataclass(frozen=True, slots=True)
class CheckovRun:
    scale: float
    framework: str
    target: str
    process: Measurement | None
    """None when the run was not attempted (see ``note``)."""
    failed: int = 0
    passed: int = 0
    resources: int = 0
    note: str = ""


@dataclass(slots=True)
class BenchmarkRun:
    command: str
    started: dt.datetime
    machine: Machine
    seed: int
    scans: list[ScanRun] = field(default_factory=list)
    checkov_version: str = ""
    checkov: list[CheckovRun] = field(default_factory=list)
    coverage: list[Verdict] = field(default_factory=list)

    @property
    def smoke(self) -> bool:
        """True when no scale reached 1x: the numbers prove the harness, not the target."""
        return all(s.stack.scale < TARGET_SCALE for s in self.scans)
