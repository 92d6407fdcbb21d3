"""Runs one command in its own process and measures its wall time and peak memory.

Peak RSS comes from ``wait4`` on that very child, so each run is measured on its own (the
value covers the child and any processes it waited for, e.g. worker pools). Linux carries a
process's peak RSS over ``fork`` and ``execve``: a command forked straight from a benchmark
process that holds hundreds of MB of results would report at least that much. So the command
is started by a small launcher process (:data:`LAUNCHER`), which forks it from its own few MB
and passes on the child's exit status and peak RSS. A run that exceeds its timeout is killed
with its whole process group and marked as timed out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Measurement:
    argv: tuple[str, ...]
    wall_s: float
    cpu_s: float
    """User plus system CPU time of the child and its waited-for descendants."""
    peak_rss_mb: float
    returncode: int
    timed_out: bool
    stdout: Path
    stderr: Path

    def stdout_text(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace")

    def stderr_tail(self, chars: int = 2000) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")[-chars:]


LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as exc:
        os.write(2, f"{sys.argv[2]}: {exc}\\n".encode())
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""
"""Runs ``argv[2:]`` as its child and writes the child's peak RSS (KiB) to ``argv[1]``."""


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def run_measured(
    argv: Sequence[str],
    *,
    timeout_s: float,
    out_dir: Path,
    label: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Measurement:
    """Run ``argv`` with stdout/stderr written to ``out_dir/<label>.{out,err}``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stdout = out_dir / f"{label}.out"
    stderr = out_dir / f"{label}.err"
    rss_file = out_dir / f"{label}.rss"
    rss_file.unlink(missing_ok=True)
    timed_out = threading.Event()
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(rss_file), *argv],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=None if env is None else dict(env),
            start_new_session=True,
        )

        def expire() -> None:
            timed_out.set()
            _kill_group(proc.pid)

        timer = threading.Timer(timeout_s, expire)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        argv=tuple(argv),
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=_child_rss_kib(rss_file, usage.ru_maxrss) / 1024,
        returncode=proc.returncode,
        timed_out=timed_out.is_set(),
        stdout=stdout,
        stderr=stderr,
    )


def _child_rss_kib(rss_file: Path, fallback_kib: int) -> int:
    """The peak RSS the launcher reported; the launcher's own (an upper bound that includes
    the benchmark process at fork time) when it was killed before it could report."""
    try:
        return int(rss_file.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return fallback_kib
