"""A real Ray head node with its dashboard on loopback, started for the tests.

``ray start --head --block`` runs in a process group of its own; stopping the fixture ends
that group (SIGTERM, then SIGKILL for anything left). ``ray stop --force`` is not used: it ends
every Ray process of the host, including clusters this test run did not start.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.fingerprint.replay import free_ports

START_TIMEOUT_S = 150
STOP_TIMEOUT_S = 20
LOG_NAME = "ray-start.log"


def ray_binary() -> Path:
    return Path(sys.executable).parent / "ray"


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None and ray_binary().exists()


@contextmanager
def ray_heads(*tokens: str) -> Iterator[list[int]]:
    """Yield the dashboard ports of one-CPU Ray heads, one per token ("" = no authentication).

    The heads start side by side (each takes tens of seconds) and are always stopped.
    """
    started: list[_Head] = []
    try:
        started.extend(_Head.start(token) for token in tokens)
        for head in started:
            head.wait_ready()
        yield [head.dashboard_port for head in started]
    finally:
        for head in started:
            head.stop()


@dataclass
class _Head:
    proc: subprocess.Popen[bytes]
    dashboard_port: int
    temp_dir: Path

    @classmethod
    def start(cls, token: str) -> _Head:
        dashboard, gcs, client, agent = free_ports(4)
        # a short directory: Ray's Unix socket paths under it must stay below 108 bytes
        temp_dir = Path(tempfile.mkdtemp(prefix="swray"))
        env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
        env.pop("RAY_AUTH_TOKEN_PATH", None)
        env["RAY_AUTH_MODE"] = "token" if token else "disabled"
        env["RAY_AUTH_TOKEN"] = token
        if not token:
            del env["RAY_AUTH_TOKEN"]
        command = [
            str(ray_binary()),
            "start",
            "--head",
            "--block",
            "--node-ip-address=127.0.0.1",
            f"--port={gcs}",
            "--include-dashboard=true",
            "--dashboard-host=127.0.0.1",
            f"--dashboard-port={dashboard}",
            f"--dashboard-agent-listen-port={agent}",
            f"--ray-client-server-port={client}",
            "--num-cpus=1",
            "--num-gpus=0",
            "--object-store-memory=100000000",
            f"--temp-dir={temp_dir}",
            "--disable-usage-stats",
        ]
        with (temp_dir / LOG_NAME).open("wb") as log:
            proc = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return cls(proc, dashboard, temp_dir)

    def wait_ready(self) -> None:
        _wait_ready(self.dashboard_port, self.proc, self.temp_dir / LOG_NAME)

    def stop(self) -> None:
        _stop_group(self.proc)
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def _wait_ready(port: int, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """The dashboard answers ``/api/version`` (200 open, 401 with token authentication)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ray start exited with {proc.returncode}: {_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/version", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"Ray dashboard did not answer within {START_TIMEOUT_S} s")


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """End the ``ray start`` process group: GCS, raylet, dashboard and workers alike."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            continue
    if proc.poll() is None:
        proc.kill()
        proc.wait(5)


def _tail(log_path: Path, chars: int = 800) -> str:
    try:
        return log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "(no log)"
