"""A real Jupyter Server on loopback, started for the tests (open or token-protected)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.fingerprint.child_server import child_server
from tests.fingerprint.replay import free_ports


def jupyter_available() -> bool:
    return shutil.which("jupyter-server", path=str(Path(sys.executable).parent)) is not None


@contextmanager
def jupyter_server(root: Path, token: str) -> Iterator[int]:
    """Yield the port of a Jupyter Server with ``token`` ("" = no authentication)."""
    (port,) = free_ports(1)
    root.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_DATA_DIR": str(root / "data"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    binary = str(Path(sys.executable).parent / "jupyter-server")
    argv = [
        binary,
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--ServerApp.password=",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",
        f"--ServerApp.root_dir={root}",
    ]
    with child_server(argv, port, "/api", "jupyter-server", 30, env):
        yield port
