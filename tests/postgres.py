"""A real PostgreSQL server for tests: ``initdb`` into a temporary directory, ``pg_ctl`` start.

The server listens on 127.0.0.1 on a port picked at run time and on a Unix socket inside its
own directory, with autovacuum off so that table statistics stay exactly as tests leave them.
It holds one database with a superuser (``owner``) and a login role with no privileges
(``reader``) that tests grant what they need. PostgreSQL refuses to run as root, so when the
tests run as root the server runs as ``nobody`` (through ``runuser``) in a directory owned by
it. Test modules import the fixture (``from tests.postgres import postgres_server``); one
server runs per test session however many modules import it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

DATABASE = "shop"
OWNER = "owner"
OWNER_PASSWORD = "owner-test-password"
READER = "reader"
READER_PASSWORD = "reader-test-password"
START_TIMEOUT_S = 30
UNPRIVILEGED_USER = "nobody"


@dataclass(frozen=True, slots=True)
class PostgresServer:
    """A running server: where it listens and the credentials of its two roles."""

    host: str
    port: int
    database: str = DATABASE

    def dsn(self, user: str = READER, password: str | None = READER_PASSWORD) -> str:
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@{self.host}:{self.port}/{self.database}"

    @property
    def owner_dsn(self) -> str:
        return self.dsn(OWNER, OWNER_PASSWORD)

    def connect_as_owner(self) -> psycopg.Connection[Any]:
        """An autocommit psycopg connection as the superuser, for planting data."""
        return psycopg.connect(self.owner_dsn, autocommit=True)


def postgres_bindir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: ``pg_config --bindir``, else the
    newest ``/usr/lib/postgresql/*/bin`` (Debian installs them off PATH)."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found:
            candidates.append(Path(found))
    versions = list(Path("/usr/lib/postgresql").glob("*/bin"))
    versions.sort(key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    candidates.extend(reversed(versions))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Runner:
    """Runs the server's commands as the current user, or as ``nobody`` when that is root."""

    def __init__(self, workdir: Path) -> None:
        self.as_root = os.geteuid() == 0
        self._owner: tuple[int, int] | None = None
        self._prefix: list[str] = []
        if self.as_root:
            account = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(workdir, account.pw_uid, account.pw_gid)
            self._prefix = ["runuser", "-u", UNPRIVILEGED_USER, "--"]
            self._owner = (account.pw_uid, account.pw_gid)

    def give(self, path: Path) -> None:
        if self._owner is not None:
            os.chown(path, *self._owner)

    def run(self, *command: str, timeout: float = START_TIMEOUT_S) -> None:
        proc = subprocess.run(
            [*self._prefix, *command],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            cwd="/",
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "HOME": "/"},
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed ({proc.returncode}): {proc.stderr}")


def _log_tail(log: Path, limit: int = 3000) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return "(no server log)"


def _create_roles_and_database(server: PostgresServer) -> None:
    admin_dsn = server.dsn(OWNER, OWNER_PASSWORD).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(server.database)))
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(READER), sql.Literal(READER_PASSWORD)
            )
        )


@contextmanager
def running_postgres(
    bindir: Path, settings: str = "", keep: Callable[[Path], None] | None = None
) -> Iterator[PostgresServer]:
    """Initialise, start and (always) stop a throwaway cluster.

    ``settings`` are appended to ``postgresql.conf`` before the start. With ``keep``, a body
    that ends normally is followed by a clean stop (so the server has flushed its files) and
    ``keep(data directory)`` is called before the directory is removed."""
    # Not under pytest's base temp: its 0700 parents would keep ``nobody`` out.
    workdir = Path(tempfile.mkdtemp(prefix="stackward-postgres-"))
    runner = _Runner(workdir)
    data, log, pwfile = workdir / "data", workdir / "server.log", workdir / "pwfile"
    pwfile.write_text(OWNER_PASSWORD + "\n", encoding="utf-8")
    runner.give(pwfile)
    port = _free_port()
    started = False
    try:
        runner.run(
            str(bindir / "initdb"),
            "-D", str(data),
            "-U", OWNER,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )  # fmt: skip
        if settings:
            with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write(settings)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c fsync=off "
            "-c autovacuum=off -c full_page_writes=off -c synchronous_commit=off"
        )
        try:
            runner.run(
                str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                "-t", str(START_TIMEOUT_S), "-o", options, "start",
            )  # fmt: skip
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\nserver log:\n{_log_tail(log)}") from None
        started = True
        server = PostgresServer(host="127.0.0.1", port=port)
        _create_roles_and_database(server)
        yield server
        if keep is not None:
            runner.run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
            started = False
            keep(data)
    finally:
        if started:
            runner.run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


_SHARED: list[PostgresServer] = []
"""The session's server (each importing module defines its own copy of the fixture)."""
_START_FAILURE: list[str] = []


@pytest.fixture(scope="session", name="postgres")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server per test session, shared by every module that imports this."""
    if _SHARED:
        yield _SHARED[0]
        return
    if _START_FAILURE:
        pytest.fail(_START_FAILURE[0])
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with ExitStack() as stack:
        try:
            server = stack.enter_context(running_postgres(bindir))
        except (OSError, RuntimeError, subprocess.SubprocessError, psycopg.Error) as exc:
            _START_FAILURE.append(f"PostgreSQL did not start: {exc}")
            pytest.fail(_START_FAILURE[0])
        _SHARED.append(server)
        try:
            yield server
        finally:
            _SHARED.clear()
