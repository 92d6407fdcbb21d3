"""Runs one scanner on one target in its own process group, with a timeout, and reads it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from benchmarks.artifacts_tools import REPO_ROOT, Tool
from benchmarks.artifacts_verdicts import RawRun, ToolOutput
from benchmarks.measure import run_measured

STDERR_KEPT = 20_000


@dataclass(frozen=True, slots=True)
class ToolResult:
    output: ToolOutput
    wall_s: float
    returncode: int
    timed_out: bool
    raw: RawRun


def _tool_environment(tool: Tool) -> dict[str, str]:
    """The caller's environment without ``PYTHONDONTWRITEBYTECODE``: every tool runs from
    compiled bytecode, as after a normal install (pip compiles peers' modules at install; an
    editable stackward writes its own on the first run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **tool.env}


def run_tool(
    tool: Tool, bin_dir: Path, target: Path, *, timeout_s: float, out_dir: Path, label: str
) -> ToolResult:
    """Run ``tool`` on ``target``; logs and reports stay in ``out_dir`` as ``label.*``.

    Peers run from ``out_dir`` so anything they drop in the working directory stays there;
    stackward runs from the repository root (the stand-in child is ``python -m benchmarks...``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / f"{label}.report"
    report.unlink(missing_ok=True)
    call = tool.command(bin_dir, target, report)
    env = _tool_environment(tool)
    run = run_measured(
        call.argv,
        timeout_s=timeout_s,
        out_dir=out_dir,
        label=label,
        cwd=REPO_ROOT if tool.name == "stackward" else out_dir,
        env=env,
    )
    report_text = ""
    if call.report is not None and call.report.exists():
        report_text = call.report.read_text(encoding="utf-8", errors="replace")
    raw = RawRun(
        run.returncode, run.timed_out, run.stdout_text(), run.stderr_tail(STDERR_KEPT), report_text
    )
    return ToolResult(tool.parse(raw), run.wall_s, run.returncode, run.timed_out, raw)
