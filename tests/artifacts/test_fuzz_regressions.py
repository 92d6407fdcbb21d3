"""Inputs the fuzzing campaign (benchmarks/fuzz_artifacts.py) found, kept as regressions.

Each must scan without a scanner failure: a broken part is reported as malformed or
unscannable by the scanner that owns it, and the rest of the artifact is still read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.artifacts import IssueKind, ScanLimits, scan_path

FOUND = sorted((Path(__file__).parent / "fixtures" / "fuzz").iterdir())


@pytest.mark.parametrize("path", FOUND, ids=[p.name for p in FOUND])
def test_found_input_scans_without_a_scanner_failure(path: Path) -> None:
    report = scan_path(path, limits=ScanLimits(seconds_per_artifact=10))
    failures = [
        i.reason
        for i in report.issues
        if i.kind is IssueKind.UNSCANNABLE and "scanner failed" in i.reason
    ]
    assert failures == []
    assert report.issues, "a mutated file should still be reported as damaged"
