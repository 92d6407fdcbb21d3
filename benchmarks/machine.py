"""Describes the machine a benchmark ran on, from /proc and the interpreter."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Machine:
    cpus: int
    """CPUs this process may run on (what ``nproc`` prints)."""
    cpu_model: str
    memory_gb: float
    python: str
    os: str
    commit: str


def _proc_field(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        pass
    return "unknown"


def _commit(repo: Path) -> str:
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return proc.stdout.strip() or "unknown"


def describe_machine(repo: Path) -> Machine:
    mem_kb = _proc_field("/proc/meminfo", "MemTotal").split()[0]
    return Machine(
        cpus=len(os.sched_getaffinity(0)),
        cpu_model=_proc_field("/proc/cpuinfo", "model name"),
        memory_gb=round(int(mem_kb) / 1024 / 1024, 1) if mem_kb.isdigit() else 0.0,
        python=platform.python_version(),
        os=f"{platform.system()} {platform.release()}",
        commit=_commit(repo),
    )
