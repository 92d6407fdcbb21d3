"""Runs a real server as a child process on loopback for as long as a test needs it."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def child_server(
    argv: Sequence[str],
    port: int,
    ready_path: str,
    name: str,
    timeout_s: float,
    env: Mapping[str, str],
    cwd: Path | None = None,
) -> Iterator[None]:
    """Start ``argv``, wait until ``http://127.0.0.1:<port><ready_path>`` answers, and always
    stop the child after."""
    proc = subprocess.Popen(
        list(argv), cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_ready(proc, f"http://127.0.0.1:{port}{ready_path}", name, timeout_s)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _wait_ready(proc: subprocess.Popen[bytes], url: str, name: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback http only
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer within {timeout_s:.0f} s")
