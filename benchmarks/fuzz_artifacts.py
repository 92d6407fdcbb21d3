"""A longer mutation-fuzzing campaign over the artifact corpus than the test suite runs.

    python benchmarks/fuzz_artifacts.py --minutes 10 --seed 1

Every corpus sample up to 256 KiB is mutated (bit flips, inserted and deleted bytes,
truncation, splices of two samples, length fields set to extremes) and scanned in-process
with a 2 s budget. The campaign counts exceptions that escape ``scan_path`` (there must be
none), scans slower than the budget plus a margin (hangs), and scanner failures that the
dispatcher caught and reported as *unscannable* (bugs that did not crash the scan but hid
content), with one example file kept per distinct failure.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import struct
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stackward.artifacts import IssueKind, ScanLimits, scan_path

BUDGET_S = 2.0
MARGIN_S = 8.0
MAX_SEED = 256 * 1024
EXTREMES = (0, 1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 2**63 - 1, 2**64 - 1)


def mutate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["flip", "insert", "delete", "truncate", "splice", "length"])
        at = rng.randrange(max(len(out), 1))
        if kind == "flip" and out:
            out[at] ^= 1 << rng.randrange(8)
        elif kind == "insert":
            out[at:at] = rng.randbytes(rng.randint(1, 64))
        elif kind == "delete":
            del out[at : at + rng.randint(1, 256)]
        elif kind == "truncate":
            del out[at:]
        elif kind == "splice" and other:
            out[at:] = other[rng.randrange(len(other)) :]
        elif kind == "length":
            width, code = rng.choice([(1, "<B"), (2, "<H"), (4, "<I"), (8, "<Q")])
            value = rng.choice([rng.choice(EXTREMES), len(out) + 1, max(len(out) - 1, 0)])
            out[at : at + width] = struct.pack(code, value & ((1 << (8 * width)) - 1))
    return bytes(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="an existing corpus directory")
    parser.add_argument("--keep", type=Path, default=Path("fuzz-findings"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stackward-fuzz-"))
    corpus = args.corpus
    if corpus is None:
        from tests.artifacts.corpus.build import build_corpus

        corpus = work / "corpus"
        build_corpus(corpus)
    manifest = json.loads((corpus / "manifest.json").read_text())
    seeds = [
        (entry["format"], (corpus / entry["path"]).read_bytes())
        for entry in manifest
        if (corpus / entry["path"]).stat().st_size <= MAX_SEED
    ]
    rng = random.Random(args.seed)
    limits = ScanLimits(seconds_per_artifact=BUDGET_S)
    stats: collections.Counter[str] = collections.Counter()
    failures: dict[str, str] = {}
    slowest = 0.0
    deadline = time.monotonic() + args.minutes * 60
    target = work / "sample"
    while time.monotonic() < deadline:
        fmt, data = rng.choice(seeds)
        _, other = rng.choice(seeds)
        target.write_bytes(mutate(rng, data, other))
        started = time.monotonic()
        try:
            report = scan_path(target, limits=limits)
        except Exception:
            stats["escaped"] += 1
            key = "escaped: " + traceback.format_exc().strip().splitlines()[-1][:200]
            _record(failures, key, args.keep, target)
            continue
        elapsed = time.monotonic() - started
        slowest = max(slowest, elapsed)
        stats["scans"] += 1
        stats[f"format:{fmt}"] += 1
        if elapsed > BUDGET_S + MARGIN_S:
            stats["hangs"] += 1
            _record(failures, f"slow {fmt}", args.keep, target)
        for issue in report.issues:
            if issue.kind is IssueKind.UNSCANNABLE and "scanner failed" in issue.reason:
                stats["caught_scanner_failures"] += 1
                key = issue.reason.split(":", 2)[-1].strip()[:160]
                _record(failures, f"caught: {key}", args.keep, target)
    summary = {
        "minutes": args.minutes,
        "seed": args.seed,
        "seeds": len(seeds),
        "scans": stats["scans"],
        "escaped_exceptions": stats["escaped"],
        "hangs": stats["hangs"],
        "caught_scanner_failures": stats["caught_scanner_failures"],
        "slowest_scan_s": round(slowest, 3),
        "per_format": {k[7:]: v for k, v in sorted(stats.items()) if k.startswith("format:")},
        "distinct_failures": failures,
    }
    print(json.dumps(summary, indent=2))
    return 1 if stats["escaped"] or stats["hangs"] else 0


def _record(failures: dict[str, str], key: str, folder: Path, sample: Path) -> None:
    """Keep the first example of each distinct failure."""
    if key in failures:
        return
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"failure-{len(failures):03d}.bin"
    kept.write_bytes(sample.read_bytes())
    failures[key] = str(kept)


if __name__ == "__main__":
    raise SystemExit(main())
