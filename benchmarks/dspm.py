"""DSPM classifier benchmark: stackward against Presidio, detect-secrets and CredSweeper.

Usage::

    .venv/bin/python benchmarks/dspm.py [--size-mb 50] [--tools presidio,detect-secrets,credsweeper]
        [--cores 1,2] [--render-only] [--work DIR]

In one run: writes a labelled corpus (``dspm_corpus``), installs each peer at its pinned
version in its own venv, runs every tool over the corpus pinned to 1 core and to 2 cores
(``taskset``), scores the 1-core run's output against the truth (``dspm_score``) and
rewrites the DSPM section of ``docs/benchmarks.md``. Raw numbers go to
``<work>/dspm/results.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import shlex
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dspm_corpus import Planted, generate, load_truth
from benchmarks.dspm_peers import (
    PEERS,
    REPO_ROOT,
    Prediction,
    ensure_installed,
    parse_credsweeper,
    parse_detect_secrets,
    parse_presidio,
    parse_stackward,
    peer_argv,
    stackward_argv,
)
from benchmarks.dspm_report import render_section, replace_section
from benchmarks.dspm_score import (
    project_fields,
    score_categories,
    score_fields,
    score_lines,
)
from benchmarks.machine import describe_machine
from benchmarks.measure import Measurement, run_measured

DEFAULT_WORK = REPO_ROOT / "benchmarks" / ".work"
DEFAULT_OUT = REPO_ROOT / "docs" / "benchmarks.md"
PROJECT_BIN = REPO_ROOT / ".venv" / "bin"
STRUCTURED = (".csv", ".jsonl", ".parquet")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tools", default=",".join(PEERS), help="peers (stackward always runs)")
    parser.add_argument("--cores", default="1,2", help="core counts to time (1 and/or 2)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the doc from results.json"
    )
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def halves(root: Path, files: list[str]) -> list[list[str]]:
    """Two lists of about equal bytes (largest first, each to the lighter half)."""
    parts: list[list[str]] = [[], []]
    weight = [0, 0]
    for name in sorted(files, key=lambda f: -(root / f).stat().st_size):
        lighter = 0 if weight[0] <= weight[1] else 1
        parts[lighter].append(name)
        weight[lighter] += (root / name).stat().st_size
    return [p for p in parts if p]


def _pinned(cores: int) -> list[str]:
    return ["taskset", "-c", ",".join(str(c) for c in range(cores))]


@dataclasses.dataclass(slots=True)
class Run:
    wall_s: float | None = None
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    returncode: int = 0
    note: str = ""
    outputs: list[tuple[Measurement, Path]] = dataclasses.field(default_factory=list)


def run_tool(name: str, bin_dir: Path, root: Path, cores: int, logs: Path, timeout: float) -> Run:
    """One timed run; for peers without a parallel option, 2 cores = two processes on halves."""
    logs.mkdir(parents=True, exist_ok=True)
    files = _files(root)
    if name == "stackward":
        calls = [
            (stackward_argv(bin_dir, root, cores, logs / f"{cores}c.json"), logs / f"{cores}c.json")
        ]
    elif name == "credsweeper" or cores == 1:
        out = logs / f"{cores}c.report"
        calls = [(peer_argv(name, bin_dir, root, files, cores, out), out)]
    else:
        calls = [
            (
                peer_argv(name, bin_dir, root, part, 1, logs / f"{cores}c-{i}.report"),
                logs / f"{cores}c-{i}.report",
            )
            for i, part in enumerate(halves(root, files))
        ]
    results: list[Measurement | None] = [None] * len(calls)

    def one(index: int) -> None:
        argv, out = calls[index]
        out.unlink(missing_ok=True)
        results[index] = run_measured(
            [*_pinned(cores), *argv],
            timeout_s=timeout,
            out_dir=logs,
            label=f"{cores}c-{index}",
            cwd=root,
        )

    began = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run = Run(wall_s=time.perf_counter() - began)
    for m, (_, out) in zip(results, calls, strict=True):
        assert m is not None
        run.outputs.append((m, out))
        run.cpu_s += m.cpu_s
        run.peak_rss_mb = max(run.peak_rss_mb, m.peak_rss_mb)
        run.returncode = run.returncode or m.returncode
        if m.timed_out:
            run.note, run.wall_s = f"timed out after {timeout:.0f} s", None
        elif m.returncode not in (0, 1):
            run.note = f"exit {m.returncode}: {m.stderr_tail(300).strip().splitlines()[-1:] or ''}"
    return run


def read_predictions(name: str, run: Run, root: Path) -> list[Prediction]:
    predictions: list[Prediction] = []
    for measurement, out in run.outputs:
        try:
            if name == "stackward":
                predictions += parse_stackward(json.loads(out.read_text(encoding="utf-8")))
            elif name == "presidio":
                predictions += parse_presidio(out.read_text(encoding="utf-8").splitlines())
            elif name == "detect-secrets":
                predictions += parse_detect_secrets(json.loads(measurement.stdout_text()), root)
            elif name == "credsweeper":
                predictions += parse_credsweeper(json.loads(out.read_text(encoding="utf-8")), root)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            run.note = run.note or f"unreadable report: {type(exc).__name__}"
    return predictions


def score(
    name: str, predictions: list[Prediction], truth: list[Planted], root: Path
) -> dict[str, Any]:
    structured = {t.item for t in truth if t.item.endswith(STRUCTURED)}
    unstructured = {t.item for t in truth} - structured

    def read_lines(item: str) -> list[str] | None:
        try:
            return (root / item).read_text(encoding="utf-8").splitlines()
        except OSError:
            return None

    if name == "stackward":
        fields = {
            (p.item, p.field, p.classes[0])
            for p in predictions
            if p.field is not None and p.line is None
        }
        how = "the `fields` of its report"
    else:
        fields = project_fields(predictions, read_lines)
        how = "line hits projected to CSV/JSONL columns (majority rule); Parquet not read"
    return {
        "predictions": len(predictions),
        "lines": _dump(score_lines(predictions, truth)),
        "lines_text": _dump(score_lines(predictions, truth, unstructured)),
        "categories": _dump(score_categories(predictions, truth)),
        "categories_text": _dump(score_categories(predictions, truth, unstructured)),
        "categories_structured": _dump(score_categories(predictions, truth, structured)),
        "fields": _dump(score_fields(fields, truth)),
        "fields_how": how,
    }


def _dump(counts: dict[str, Any]) -> dict[str, Any]:
    return {k: c.to_json() for k, c in counts.items()}


def _write_doc(results: dict[str, Any], out: Path) -> None:
    page = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    out.write_text(replace_section(page, render_section(results)), encoding="utf-8")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    work = args.work.resolve() / "dspm"
    results_path = work / "results.json"
    if args.render_only:
        _write_doc(json.loads(results_path.read_text(encoding="utf-8")), args.out)
        _log(f"wrote {args.out} from {results_path}")
        return 0
    started = dt.datetime.now(dt.UTC)
    _log(f"writing a {args.size_mb:g} MB corpus")
    corpus = generate(work, args.size_mb, args.seed)
    truth = load_truth(work / "truth.jsonl")
    summary = json.loads((work / "corpus.json").read_text(encoding="utf-8"))
    cores = [int(c) for c in args.cores.split(",") if c.strip()]
    results: dict[str, Any] = {
        "command": shlex.join(["python", "benchmarks/dspm.py", *argv]),
        "started": started.isoformat(timespec="seconds"),
        "machine": dataclasses.asdict(describe_machine(REPO_ROOT)),
        "corpus": summary,
        "cores": cores,
        "tools": {},
    }
    tools: list[tuple[str, Path | None, dict[str, Any]]] = [
        (
            "stackward",
            PROJECT_BIN,
            {
                "version": "this checkout",
                "how": "`stackward classify DIR --format json --jobs N --no-store -o OUT`",
                "parallel": "`--jobs 2`",
            },
        )
    ]
    for name in (t.strip() for t in args.tools.split(",") if t.strip()):
        peer = PEERS[name]
        _log(f"installing {' '.join(peer.requirements)}")
        installed = ensure_installed(peer, PROJECT_BIN / "python")
        record: dict[str, Any] = {
            "version": " + ".join(peer.requirements),
            "how": peer.how,
            "parallel": peer.parallel,
            "install_error": installed.error,
            "freeze": list(installed.freeze),
        }
        tools.append((name, installed.bin_dir, record))
    for name, bin_dir, record in tools:
        results["tools"][name] = record
        if bin_dir is None:
            continue
        record["runs"] = {}
        scored = False
        for n in cores:
            _log(f"{name}: {n} core(s)")
            run = run_tool(name, bin_dir, corpus.root, n, work / "runs" / name, args.timeout)
            record["runs"][str(n)] = {
                k: v for k, v in dataclasses.asdict(run).items() if k != "outputs"
            }
            if not scored and run.wall_s is not None:
                record |= score(name, read_predictions(name, run, corpus.root), truth, corpus.root)
                record["runs"][str(n)]["note"] = run.note
                scored = True
    results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    _write_doc(results, args.out)
    _log(f"wrote {args.out} (raw numbers in {results_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
