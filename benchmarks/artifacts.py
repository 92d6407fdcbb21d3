"""Model-artifact scanner benchmark: stackward against modelscan, picklescan, fickling, ModelAudit.

Usage::

    .venv/bin/python benchmarks/artifacts.py [--skip-large] [--large-gb N] [--corpus DIR]

In one run: builds the evaluation corpus (``python -m tests.artifacts.corpus.build``), installs
each peer at its pinned version in its own venv, runs every tool on every corpus file (and
stackward once over the whole directory), computes detection counts per tool and per evasion
class, times every tool on multi-GB PyTorch and safetensors files, and rewrites the artifacts
section of ``docs/benchmarks.md``. Raw numbers go to ``<work>/artifacts/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.artifacts_large import (
    GenerationError,
    disk_speed,
    generate,
    read_through,
    time_tool,
    write_tiny_pickle,
)
from benchmarks.artifacts_report import START, render_section, replace_section
from benchmarks.artifacts_results import (
    ArtifactBench,
    FileRun,
    LargeArtifacts,
    ManifestError,
    Sample,
    ToolRuns,
    from_json,
    load_manifest,
    to_json,
)
from benchmarks.artifacts_run import run_tool
from benchmarks.artifacts_tools import (
    PEERS,
    PROJECT_PYTHON,
    REPO_ROOT,
    Tool,
    ensure_installed,
    stackward_cli_available,
    stackward_tool,
)
from benchmarks.artifacts_verdicts import stackward_verdicts
from benchmarks.machine import describe_machine

DEFAULT_WORK = REPO_ROOT / "benchmarks" / ".work"
DEFAULT_OUT = REPO_ROOT / "docs" / "benchmarks.md"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-large", action="store_true", help="no multi-GB throughput runs")
    parser.add_argument("--large-gb", type=float, default=2.0, help="size of each large file")
    parser.add_argument(
        "--corpus", type=Path, help="use this corpus directory (with manifest.json) as is"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--file-timeout", type=float, default=60.0, help="seconds per file")
    parser.add_argument("--dir-timeout", type=float, default=1800.0, help="seconds per dir run")
    parser.add_argument("--large-timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite the docs section from <work>/artifacts/results.json without measuring",
    )
    parser.add_argument(
        "--large-only",
        action="store_true",
        help="re-measure only the large-artifact throughput; keep the corpus results of "
        "<work>/artifacts/results.json",
    )
    parser.add_argument(
        "--tools",
        default=",".join(t.name for t in PEERS),
        help="comma-separated peers to compare (stackward always runs)",
    )
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def build_corpus(out: Path, python: Path) -> Path:
    """A fresh corpus from ``tests.artifacts.corpus.build`` in ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [str(python), "-m", "tests.artifacts.corpus.build", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise ManifestError(f"building the corpus failed: {proc.stderr.strip()[-1000:]}")
    return out


def scan_corpus(
    tool: Tool, bin_dir: Path, corpus: Path, samples: list[Sample], args: argparse.Namespace
) -> dict[str, FileRun]:
    logs = args.work.resolve() / "artifacts" / "runs" / tool.name
    runs: dict[str, FileRun] = {}
    for index, sample in enumerate(samples):
        result = run_tool(
            tool,
            bin_dir,
            corpus / sample.path,
            timeout_s=args.file_timeout,
            out_dir=logs,
            label=f"{index:04d}",
        )
        runs[sample.path] = FileRun(sample.path, result.output, result.wall_s, result.returncode)
    return runs


def scan_directory(
    runs: ToolRuns,
    tool: Tool,
    bin_dir: Path,
    corpus: Path,
    known: list[str],
    args: argparse.Namespace,
) -> None:
    """One run over the whole corpus directory: time for all, per-file verdicts for stackward."""
    if not tool.scans_directories:
        runs.directory_note = "no directory mode"
        return
    logs = args.work.resolve() / "artifacts" / "runs" / tool.name
    result = run_tool(
        tool, bin_dir, corpus, timeout_s=args.dir_timeout, out_dir=logs, label="directory"
    )
    runs.directory_wall_s = result.wall_s
    if result.timed_out:
        runs.directory_note = f"timed out after {args.dir_timeout:.0f} s"
    elif tool.name == "stackward":
        runs.directory_outputs = stackward_verdicts(result.raw, known)
        if not runs.directory_outputs:
            runs.directory_note = f"no JSON report (exit {result.returncode})"


def _stackward_bin() -> Path:
    return PROJECT_PYTHON.parent if PROJECT_PYTHON.exists() else Path(sys.executable).parent


def measure_large(tools: list[tuple[str, Tool, Path]], args: argparse.Namespace) -> LargeArtifacts:
    large = LargeArtifacts()
    logs = args.work.resolve() / "artifacts" / "runs" / "large"
    python = PROJECT_PYTHON if PROJECT_PYTHON.exists() else Path(sys.executable)
    with tempfile.TemporaryDirectory(prefix="stackward-bench-large-") as scratch:
        _log(f"writing {args.large_gb:g} GB PyTorch and safetensors files")
        began = time.perf_counter()
        try:
            files = generate(Path(scratch), args.large_gb, python)
        except (GenerationError, subprocess.SubprocessError, OSError) as exc:
            large.note = f"Not measured: {exc}"
            return large
        large.generate_s = time.perf_counter() - began
        tiny = write_tiny_pickle(Path(scratch))
        for label, tool, bin_dir in tools:
            _log(f"  start-up of {label}")
            startup = time_tool(label, tool, bin_dir, tiny, timeout_s=120, out_dir=logs)
            if startup.median_s is not None:
                large.startup_s[label] = startup.median_s
        for item in files:
            for cold in (False, True):
                cache = "cold" if cold else "warm"
                if not cold:
                    large.warm_read_s[item.name] = read_through(item.path)
                _log(f"  {item.name}: {item.size / 1e9:.2f} GB, {cache} cache; disk read speed")
                large.timings += disk_speed(item, cold=cold)
                for label, tool, bin_dir in tools:
                    _log(f"  {item.name}, {cache} cache: {label}")
                    large.timings.append(
                        time_tool(
                            label,
                            tool,
                            bin_dir,
                            item,
                            timeout_s=args.large_timeout,
                            out_dir=logs,
                            cold=cold,
                        )
                    )
    return large


def _prepare_tools(
    args: argparse.Namespace, use_cli: bool
) -> tuple[list[ToolRuns], list[tuple[Tool, Path]]]:
    """Install the peers; a peer that fails to install is reported, not fatal."""
    wanted = {name.strip() for name in args.tools.split(",") if name.strip()}
    stackward = stackward_tool(use_cli)
    records = [ToolRuns("stackward", stackward.views, version="this checkout")]
    ready: list[tuple[Tool, Path]] = [(stackward, _stackward_bin())]
    for peer in PEERS:
        if peer.name not in wanted:
            continue
        _log(f"installing {peer.requirement}")
        installed = ensure_installed(peer)
        record = ToolRuns(
            peer.name,
            peer.views,
            version=" + ".join([peer.requirement, *peer.extra_requirements]),
            install_error=installed.error,
            freeze=installed.freeze,
        )
        records.append(record)
        if installed.bin_dir is not None:
            ready.append((peer, installed.bin_dir))
        else:
            _log(f"  {peer.name}: {installed.error}")
    return records, ready


def _write_section(bench: ArtifactBench, out: Path) -> None:
    page = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    out.write_text(replace_section(page, render_section(bench)), encoding="utf-8")


def render_only(args: argparse.Namespace) -> int:
    results = args.work.resolve() / "artifacts" / "results.json"
    views = {tool.name: tool.views for tool in (stackward_tool(True), *PEERS)}
    bench = from_json(json.loads(results.read_text(encoding="utf-8")), views)
    _write_section(bench, args.out)
    _log(f"wrote {args.out} from {results}")
    return 0


def large_only(args: argparse.Namespace, command: str) -> int:
    """Re-measure the large artifacts; the corpus part of the last full run is kept as is."""
    results = args.work.resolve() / "artifacts" / "results.json"
    views = {tool.name: tool.views for tool in (stackward_tool(True), *PEERS)}
    bench = from_json(json.loads(results.read_text(encoding="utf-8")), views)
    use_cli = stackward_cli_available(PROJECT_PYTHON)
    _, ready = _prepare_tools(args, use_cli)
    stackward = ready[0][1]
    large_tools = [
        ("stackward", stackward_tool(use_cli), stackward),
        ("stackward --no-hash", stackward_tool(use_cli, no_hash=True), stackward),
        *((tool.name, tool, bin_dir) for tool, bin_dir in ready[1:]),
    ]
    bench.load["before the large runs"] = os.getloadavg()
    bench.large = measure_large(large_tools, args)
    bench.load["after the large runs"] = os.getloadavg()
    commit = describe_machine(REPO_ROOT).commit
    bench.large.rerun = (
        f"This section was re-measured on its own with `{command}` on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC at stackward commit `{commit}` (same "
        "machine); the corpus sections above are from the run described at the top."
    )
    results.write_text(json.dumps(to_json(bench), indent=2), encoding="utf-8")
    _write_section(bench, args.out)
    _log(f"wrote {args.out} (raw numbers in {results})")
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.render_only:
        return render_only(args)
    if args.large_only:
        return large_only(args, shlex.join(["python", "benchmarks/artifacts.py", *argv]))
    command = shlex.join(["python", "benchmarks/artifacts.py", *argv])
    started = dt.datetime.now(dt.UTC)
    python = PROJECT_PYTHON if PROJECT_PYTHON.exists() else Path(sys.executable)
    if args.corpus is not None:
        corpus = args.corpus.resolve()
        corpus_note = f"given with `--corpus {args.corpus}`"
    else:
        _log("building the corpus")
        corpus = build_corpus(args.work.resolve() / "artifacts" / "corpus", python)
        corpus_note = "rebuilt for this run"
    samples = load_manifest(corpus)
    use_cli = stackward_cli_available(python)
    bench = ArtifactBench(
        command=command,
        started=started,
        machine=describe_machine(REPO_ROOT),
        corpus=corpus_note,
        stackward_mode="cli" if use_cli else "api",
        file_timeout_s=args.file_timeout,
        samples=samples,
    )
    records, ready = _prepare_tools(args, use_cli)
    bench.tools = records
    by_name = {r.name: r for r in records}
    bench.load[START] = os.getloadavg()
    for tool, bin_dir in ready:
        _log(f"{tool.name}: {len(samples)} files, one process each")
        record = by_name[tool.name]
        record.files = scan_corpus(tool, bin_dir, corpus, samples, args)
        _log(f"{tool.name}: whole directory")
        scan_directory(record, tool, bin_dir, corpus, [s.path for s in samples], args)
    bench.load["after the corpus runs"] = os.getloadavg()
    if not args.skip_large:
        stackward = ready[0][1]
        large_tools = [
            ("stackward", stackward_tool(use_cli), stackward),
            ("stackward --no-hash", stackward_tool(use_cli, no_hash=True), stackward),
            *((tool.name, tool, bin_dir) for tool, bin_dir in ready[1:]),
        ]
        bench.large = measure_large(large_tools, args)
        bench.load["after the large runs"] = os.getloadavg()
    bench.finished = dt.datetime.now(dt.UTC)
    results = args.work.resolve() / "artifacts" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(to_json(bench), indent=2), encoding="utf-8")
    _write_section(bench, args.out)
    _log(f"wrote {args.out} (raw numbers in {results})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
