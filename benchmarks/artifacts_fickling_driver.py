"""Runs fickling's own scanning API on one file and prints one JSON line.

Run with the python of fickling's virtual environment, not the project's: it imports only
fickling and the standard library. fickling's command line (``--check-safety``) reads plain
pickles only; its library scans ZIP archives too (PyTorch checkpoints), so the benchmark
uses ``fickling.scan_zip_archive`` for ZIP files and ``fickling.scan_file`` otherwise, both
``graceful=True`` (parse errors are reported, not raised). Both analyse the pickle opcodes
statically; nothing is unpickled.

Output: ``{"analysed": N, "severities": [...], "errors": [...], "analysis": "..."}`` where
``analysed`` counts the pickles fickling analysed and ``severities`` are their verdicts.
"""

from __future__ import annotations

import json
import sys
import zipfile

import fickling  # type: ignore[import-not-found]


def main(path: str) -> int:
    if zipfile.is_zipfile(path):
        scans = list(fickling.scan_zip_archive(path, graceful=True).values())
    else:
        scans = [fickling.scan_file(path, graceful=True)]
    results = [result for scan in scans for result in scan.results]
    errors = [error for scan in scans for error in scan.errors]
    unsafe = [r for r in results if r.severity.name != "LIKELY_SAFE"]
    print(
        json.dumps(
            {
                "analysed": len(results),
                "severities": sorted({r.severity.name for r in results}),
                "errors": errors,
                "analysis": unsafe[0].to_string()[:500] if unsafe else "",
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
