"""Scan-at-scale benchmark: stackward (and optionally checkov) on a synthetic AI stack.

Usage::

    .venv/bin/python benchmarks/scan_scale.py [--scales 1,2,4] [--out docs/benchmarks.md]
        [--work DIR] [--checkov] [--seed 42]

Scale 1x is 50,000 Kubernetes objects, 20,000 other files and a 5,000-resource Terraform plan.
Every scan runs in a fresh process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
import time
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.artifacts_report import BEGIN as ARTIFACTS_BEGIN
from benchmarks.checkov_runner import (
    KUBERNETES,
    TERRAFORM_PLAN,
    CheckovError,
    checkov_version,
    ensure_checkov,
    parse_report,
    run_checkov,
)
from benchmarks.coverage.compare import compare
from benchmarks.machine import describe_machine
from benchmarks.measure import run_measured
from benchmarks.report import render
from benchmarks.results import BenchmarkRun, CheckovRun, ScanRun
from benchmarks.stackgen import StackSummary, generate_stack

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORK = REPO_ROOT / "benchmarks" / ".work"
DEFAULT_OUT = REPO_ROOT / "docs" / "benchmarks.md"


def _scales(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"scales must be numbers such as 1,2,4: {text!r}"
        ) from None
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError("scales must be positive")
    return values


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=_scales, default=[1.0, 2.0, 4.0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--checkov", action="store_true", help="also time checkov and compare")
    parser.add_argument(
        "--checkov-max-scale",
        type=float,
        default=4.0,
        help="largest scale to run checkov on (a timeout also stops larger ones)",
    )
    parser.add_argument("--checkov-timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--scan-timeout", type=float, default=3600.0, help="seconds per scan")
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def measure_scan(stack: StackSummary, generate_s: float, out: Path, timeout_s: float) -> ScanRun:
    label = f"stackward-{stack.scale:g}x"
    store = out / f"{label}.db"
    process = run_measured(
        [sys.executable, "-m", "benchmarks.scan_child", str(stack.root), str(store)],
        timeout_s=timeout_s,
        out_dir=out,
        label=label,
        cwd=REPO_ROOT,
    )
    lines = process.stdout_text().strip().splitlines()
    child = json.loads(lines[-1]) if process.returncode == 0 and lines else {}
    return ScanRun(stack=stack, generate_s=generate_s, process=process, child=child)


def _projected_stop(
    wall_s: float, stack: StackSummary, stacks: list[StackSummary], timeout_s: float
) -> str:
    """Why to skip the next scale when linear growth from this run would pass the timeout."""
    larger = [s.scale for s in stacks if s.scale > stack.scale]
    if not larger:
        return ""
    projected = wall_s * min(larger) / stack.scale
    if projected <= timeout_s:
        return ""
    return (
        f"skipped ({stack.scale:g}x took {wall_s:.0f} s; ~{projected:.0f} s projected "
        f"for {min(larger):g}x > {timeout_s:.0f} s timeout)"
    )


def measure_checkov(
    executable: Path, stacks: list[StackSummary], args: argparse.Namespace, out: Path
) -> list[CheckovRun]:
    runs: list[CheckovRun] = []
    for framework in (KUBERNETES, TERRAFORM_PLAN):
        stopped = ""
        for stack in stacks:
            target = stack.manifests if framework == KUBERNETES else stack.plan
            if stack.scale > args.checkov_max_scale or stopped:
                note = stopped or f"skipped (above --checkov-max-scale {args.checkov_max_scale:g})"
                runs.append(CheckovRun(stack.scale, framework, str(target), None, note=note))
                continue
            _log(f"checkov {framework} at {stack.scale:g}x")
            label = f"checkov-{framework}-{stack.scale:g}x"
            process = run_checkov(
                executable,
                target,
                framework,
                timeout_s=args.checkov_timeout,
                out_dir=out,
                label=label,
            )
            if process.timed_out:
                stopped = f"skipped ({stack.scale:g}x hit the {args.checkov_timeout:.0f} s timeout)"
                runs.append(CheckovRun(stack.scale, framework, str(target), process))
                continue
            stopped = _projected_stop(process.wall_s, stack, stacks, args.checkov_timeout)
            try:
                report = parse_report(process.stdout_text())
            except CheckovError as exc:
                runs.append(CheckovRun(stack.scale, framework, str(target), process, note=str(exc)))
                continue
            runs.append(
                CheckovRun(
                    stack.scale,
                    framework,
                    str(target),
                    process,
                    failed=len(report.failed),
                    passed=report.passed,
                    resources=report.resources,
                )
            )
    return runs


def _save_raw(run: BenchmarkRun, path: Path) -> None:
    raw = {
        "command": run.command,
        "started": run.started.isoformat(),
        "machine": asdict(run.machine),
        "scans": [
            {
                "scale": s.stack.scale,
                "size": asdict(s.stack.size),
                "wall_s": s.process.wall_s,
                "cpu_s": s.process.cpu_s,
                "peak_rss_mb": s.process.peak_rss_mb,
                "returncode": s.process.returncode,
                "timed_out": s.process.timed_out,
                "child": s.child,
            }
            for s in run.scans
        ],
        "checkov_version": run.checkov_version,
        "checkov": [
            {
                "scale": c.scale,
                "framework": c.framework,
                "wall_s": c.process.wall_s if c.process else None,
                "peak_rss_mb": c.process.peak_rss_mb if c.process else None,
                "timed_out": c.process.timed_out if c.process else None,
                "failed": c.failed,
                "note": c.note,
            }
            for c in run.checkov
        ],
        "coverage": [
            {
                "case": v.case.id,
                "stackward": list(v.stackward_ids),
                "stackward_other": list(v.stackward_other_ids),
                "checkov": list(v.checkov_ids),
                "checkov_other": list(v.checkov_other_ids),
                "error": v.error,
            }
            for v in run.coverage
        ],
    }
    path.write_text(json.dumps(raw, indent=2), encoding="utf-8")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    work: Path = args.work.resolve()
    out = work / "runs"
    command = shlex.join([".venv/bin/python", "benchmarks/scan_scale.py", *argv])
    run = BenchmarkRun(
        command=command,
        started=dt.datetime.now(dt.UTC),
        machine=describe_machine(REPO_ROOT),
        seed=args.seed,
    )
    stacks: list[StackSummary] = []
    for scale in sorted(args.scales):
        _log(f"generating the {scale:g}x stack")
        began = time.perf_counter()
        stack = generate_stack(work / f"scale-{scale:g}" / "stack", scale, args.seed)
        generated = time.perf_counter() - began
        stacks.append(stack)
        _log(f"scanning the {scale:g}x stack")
        scan = measure_scan(stack, generated, out, args.scan_timeout)
        state = "ok" if scan.ok else f"FAILED (exit {scan.process.returncode})"
        _log(f"  {state}: {scan.process.wall_s:.1f} s, {scan.process.peak_rss_mb:.0f} MB")
        run.scans.append(scan)
    checkov = None
    if args.checkov:
        checkov = ensure_checkov()
        run.checkov_version = checkov_version(checkov)
        run.checkov = measure_checkov(checkov, stacks, args, out)
    _log("comparing coverage on the planted set")
    run.coverage = compare(work / "coverage", checkov)
    _save_raw(run, out / "results.json")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(keep_other_sections(args.out, render(run)), encoding="utf-8")
    _log(f"wrote {args.out} (raw numbers in {out / 'results.json'})")
    return 0 if all(s.ok for s in run.scans) else 1


def keep_other_sections(page: Path, scale_section: str) -> str:
    """The new scale figures, followed by the artifact-scanner section already on the page
    (``benchmarks/artifacts.py`` owns it), so neither benchmark erases the other."""
    old = page.read_text(encoding="utf-8") if page.is_file() else ""
    start = old.find(ARTIFACTS_BEGIN)
    if start < 0:
        return scale_section
    return scale_section.rstrip() + "\n\n" + old[start:]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
