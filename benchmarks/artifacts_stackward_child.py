"""Scans a file or directory with ``stackward.artifacts.scan_path``; prints the CLI's JSON.

A stand-in for ``stackward scan-model PATH --format json`` on checkouts that do not have that
command yet, with the same output shape (``{"artifacts": [...]}``) so one parser reads both::

    python -m benchmarks.artifacts_stackward_child PATH [--no-hash]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from stackward.artifacts import ArtifactReport, scan_path


def _as_dict(report: ArtifactReport) -> dict[str, object]:
    worst = report.max_severity
    return {
        "location": report.location,
        "format": report.format,
        "sha256": report.sha256,
        "max_severity": worst.label if worst is not None else None,
        "issues": [issue.as_dict() for issue in report.issues],
    }


def _files(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted(p for p in target.rglob("*") if p.is_file() and not p.is_symlink())
    return [target]


def main(argv: list[str]) -> int:
    target = Path(argv[0])
    compute_hash = "--no-hash" not in argv[1:]
    reports = [scan_path(path, compute_hash=compute_hash) for path in _files(target)]
    print(json.dumps({"artifacts": [_as_dict(r) for r in reports]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
