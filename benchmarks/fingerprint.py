"""Fingerprinting at scale: 1,000 loopback endpoints, wall time and peak memory.

The endpoints are a mix of replayed AI services (one replay server process listening on many
ports, answers as documented by each product), real Jupyter Servers (one open, one with a
token) and closed ports. The fingerprinter runs in this process with the default concurrency;
the servers run in child processes so they do not share its CPU time accounting.

    PYTHONPATH=src .venv/bin/python benchmarks/fingerprint.py [--endpoints 1000] [--closed 0.3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fingerprint.jupyter import jupyter_available, jupyter_server  # noqa: E402
from tests.fingerprint.profiles import CASES  # noqa: E402
from tests.fingerprint.replay import ReplayServer, free_ports  # noqa: E402

from stackward.fingerprint import DEFAULT_CONCURRENCY, fingerprint_sync  # noqa: E402


def serve(plan_file: Path) -> None:
    """Child process: serve the planned profiles until killed."""
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    profiles = {int(port): CASES[name].profile for port, name in plan.items()}
    server = ReplayServer(profiles=profiles)
    asyncio.run(server.serve(list(profiles)))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=1000)
    parser.add_argument("--closed", type=float, default=0.3, help="share of closed ports")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return 0

    jupyters = 2 if jupyter_available() else 0
    closed = int(args.endpoints * args.closed)
    replayed = args.endpoints - closed - jupyters
    names = list(CASES)
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        jupyter_ports = [  # started first, so the ports below cannot collide with theirs
            stack.enter_context(jupyter_server(work / f"jupyter{i}", token))
            for i, token in enumerate(["", "synthetic-token"][:jupyters])
        ]
        ports = free_ports(replayed + closed)
        plan = {ports[i]: names[i % len(names)] for i in range(replayed)}
        closed_ports = ports[replayed:]
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(plan_file)],
            cwd=REPO,
        )
        stack.callback(child.wait, 10)
        stack.callback(child.terminate)
        time.sleep(1.0)  # the replay server binds ~700 ports
        endpoints = [f"127.0.0.1:{p}" for p in [*plan, *closed_ports, *jupyter_ports]]
        rss_before = _rss_mb()
        started = time.perf_counter()
        cpu_started = time.process_time()
        run = fingerprint_sync(endpoints, concurrency=args.concurrency)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rss_after = _rss_mb()
    products = Counter(s.rule.product for s in run.services)
    expected = sum(1 for n in plan.values() if CASES[n].product) + jupyters
    result = {
        "endpoints": len(endpoints),
        "replayed": replayed,
        "real_jupyter": jupyters,
        "closed": closed,
        "concurrency": args.concurrency,
        "identified": len(run.services),
        "identified_expected": expected,
        "exposed": sum(1 for s in run.services if s.exposures),
        "with_advisories": sum(1 for s in run.services if s.advisories),
        "problems": len(run.problems),
        "requests_sent": run.requests_sent,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(rss_after, 1),
        "peak_rss_before_run_mb": round(rss_before, 1),
        "products": dict(sorted(products.items())),
    }
    print(json.dumps(result, indent=2))
    return 0 if len(run.services) == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
