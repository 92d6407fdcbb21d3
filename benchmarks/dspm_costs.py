"""Where the DSPM classifier's time goes on the benchmark corpus, and which costs are fixed.

Usage (after ``benchmarks/dspm.py`` has written the corpus)::

    .venv/bin/python benchmarks/dspm_costs.py [--work DIR]

Prints, in one process on one core:

* per top-level directory of the corpus, the time to read its items and to classify them;
* costs that any design which confirms each candidate and reports each occurrence in Python
  pays whatever its validators do: reading and decoding every file, one Hyperscan pass over
  every text unit (a Python callback per match), and the evidence of each occurrence
  (keyed fingerprint, masked shape, a JSON object).

Process start-up (interpreter, imports, command line) is measured separately as the wall
time of ``stackward classify`` over an empty directory.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson

from benchmarks.dspm_peers import REPO_ROOT
from stackward.dspm.classify import Classifier
from stackward.dspm.engine import HyperscanEngine, default_engine
from stackward.dspm.evidence import Fingerprinter
from stackward.dspm.readers.files import read_file, walk_files
from stackward.dspm.records import ItemContent, ReadLimits

SHAPE = str.maketrans(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "9" * 10 + "x" * 26 + "X" * 26
)


def start_up_seconds(runs: int = 3) -> float:
    """The fastest of ``runs`` wall times of a classify over an empty directory."""
    binary = REPO_ROOT / ".venv" / "bin" / "stackward"
    best = float("inf")
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as out:
        report = str(Path(out) / "report.json")
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run(
                [str(binary), "classify", empty, "--no-store", "--format", "json", "-o", report],
                check=True,
                capture_output=True,
            )
            best = min(best, time.perf_counter() - began)
    return best


def by_directory(root: Path) -> tuple[list[ItemContent], dict[str, tuple[float, float, int]]]:
    """Every item read once, and per directory: read seconds, classify seconds, occurrences."""
    limits = ReadLimits()
    classifier = Classifier(default_engine(), Fingerprinter(b"k" * 32), 0.5)
    times: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    contents: list[ItemContent] = []
    for path, location in walk_files(root, limits, ()):
        entry = times[path.relative_to(root).parts[0]]
        began = time.perf_counter()
        items = read_file(path, location, limits)
        entry[0] += time.perf_counter() - began
        began = time.perf_counter()
        entry[2] += sum(len(classifier.classify(item).occurrences) for item in items)
        entry[1] += time.perf_counter() - began
        contents += items
    return contents, {name: (t[0], t[1], int(t[2])) for name, t in sorted(times.items())}


def read_decode_split_seconds(root: Path) -> float:
    began = time.perf_counter()
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix != ".parquet":
                data.decode("utf-8", "replace").splitlines()
    return time.perf_counter() - began


def scan_seconds(texts: list[str]) -> tuple[float, int]:
    """One Hyperscan pass over each text, each match appended by a Python callback."""
    engine = default_engine()
    if not isinstance(engine, HyperscanEngine):
        raise SystemExit("Hyperscan is not installed: the scan cost is not measured")
    matches: list[tuple[int, int, int]] = []

    def on_match(pattern: int, start: int, end: int, _flags: int, _ctx: object) -> None:
        matches.append((pattern, start, end))

    began = time.perf_counter()
    for text in texts:
        engine.database.scan(text.encode("utf-8", "surrogatepass"), match_event_handler=on_match)
    return time.perf_counter() - began, len(matches)


def evidence_seconds(values: list[str]) -> float:
    """A keyed fingerprint, a masked shape and a JSON object per value: the least an
    occurrence costs in Python."""
    key = hmac.new(b"k" * 32, digestmod=hashlib.sha256)
    began = time.perf_counter()
    records = []
    for value in values:
        mac = key.copy()
        mac.update(value.encode("utf-8", "surrogatepass"))
        records.append(
            {
                "class": "pii.email",
                "line": 1,
                "confidence": 0.9,
                "fingerprint": mac.hexdigest()[:16],
                "shape": value.translate(SHAPE),
            }
        )
    orjson.dumps(records)
    return time.perf_counter() - began


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "benchmarks" / ".work")
    args = parser.parse_args(argv)
    root = args.work / "dspm" / "corpus"
    if not root.is_dir():
        raise SystemExit(f"{root}: no corpus; run benchmarks/dspm.py first")
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    read_decode_split_seconds(root)  # warm the page cache
    contents, times = by_directory(root)
    print(f"corpus: {size / 1e6:.1f} MB; at 20 MB/s a run has {size / 20e6:.2f} s")
    print("per directory (read s, classify s, occurrences):")
    for name, (read, classify, found) in times.items():
        print(f"  {name:10} {read:6.2f} {classify:6.2f} {found:8,}")
    total_read = sum(t[0] for t in times.values())
    total_classify = sum(t[1] for t in times.values())
    occurrences = sum(t[2] for t in times.values())
    print(f"  {'total':10} {total_read:6.2f} {total_classify:6.2f} {occurrences:8,}")
    texts = [unit.text for item in contents for unit in item.texts]
    engine = default_engine()
    values = [text[c.start : c.end] for text in texts for c in engine.candidates(text)]
    scan, matches = scan_seconds(texts)
    fixed = {
        "process start-up (empty directory)": start_up_seconds(),
        "read, decode and split every file": read_decode_split_seconds(root),
        f"Hyperscan pass over {len(texts):,} text units ({matches:,} matches)": scan,
        f"evidence of {occurrences:,} occurrences": evidence_seconds(values[:occurrences]),
    }
    print("fixed costs:")
    for what, seconds in fixed.items():
        print(f"  {seconds:6.2f} s  {what}")
    print(f"  {sum(fixed.values()):6.2f} s  in all ({len(values):,} candidates to confirm)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
