"""Real ``mlflow server`` processes for the collector tests.

Each server runs on 127.0.0.1 on a free port with a SQLite backend store and a local
artifact root in a temporary directory; the fixture waits for ``/health``. The open server
has no authentication (MLflow's default); the locked twin is started with
``--app-name basic-auth`` and an admin account whose password only the test knows.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT_S = 90.0
PORT_ATTEMPTS = 3
ADMIN_USER = "admin"
ADMIN_PASSWORD = "Synthetic-Adm1n-Passw0rd!"


@dataclass(frozen=True, slots=True)
class MlflowServer:
    url: str
    root: Path
    username: str | None = None
    password: str | None = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _mlflow_command() -> list[str]:
    return [str(Path(sys.executable).with_name("mlflow")), "server"]


@contextmanager
def mlflow_server(root: Path, *, basic_auth: bool = False) -> Iterator[MlflowServer]:
    """Start a server under ``root``; stop the process group it started when done."""
    root.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "MLFLOW_FLASK_SERVER_SECRET_KEY": "synthetic-test-secret",
        # the background job runner (a dozen worker processes) serves no request read here
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
    }
    args = [
        *_mlflow_command(),
        "--backend-store-uri",
        f"sqlite:///{root / 'mlflow.db'}",
        "--default-artifact-root",
        str(root / "artifacts"),
        "--host",
        "127.0.0.1",
        "--workers",
        "1",
    ]
    if basic_auth:
        config = root / "auth.ini"
        config.write_text(
            "[mlflow]\n"
            "default_permission = READ\n"
            f"database_uri = sqlite:///{root / 'auth.db'}\n"
            f"admin_username = {ADMIN_USER}\n"
            f"admin_password = {ADMIN_PASSWORD}\n"
            "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
        )
        env["MLFLOW_AUTH_CONFIG_PATH"] = str(config)
        args += ["--app-name", "basic-auth"]
    for attempt in range(PORT_ATTEMPTS):
        port = _free_port()
        command = [*args, "--port", str(port)]
        log_path = root / f"server-{attempt}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            if not _wait_healthy(url, process, log_path):
                continue  # the port was taken between choosing and binding it
            yield MlflowServer(
                url,
                root,
                ADMIN_USER if basic_auth else None,
                ADMIN_PASSWORD if basic_auth else None,
            )
            return
        finally:
            _stop(process)
    raise RuntimeError(f"mlflow server found no free port in {PORT_ATTEMPTS} attempts")


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> bool:
    """True once ``/health`` answers; False when the server lost its port to another process."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text(errors="replace")
            if "address already in use" in text:
                return False
            raise RuntimeError(f"mlflow server exited: {text[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    _stop(process)
    raise RuntimeError(f"mlflow server did not answer /health: {log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
