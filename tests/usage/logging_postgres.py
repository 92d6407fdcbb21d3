"""A short-lived PostgreSQL server that writes a real statement log in all three formats.

Built from the helpers of ``tests/postgres.py`` (initdb and pg_ctl into a temporary directory,
run as ``nobody`` under root) but with its own settings: ``logging_collector = on``,
``log_statement = 'all'``, ``log_destination = 'stderr,csvlog,jsonlog'`` and a prefix that
names user and database. The caller runs a session, the server is stopped (so the collector
has flushed every file) and the log files are handed back.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.postgres import (
    OWNER,
    OWNER_PASSWORD,
    START_TIMEOUT_S,
    PostgresServer,
    _free_port,
    _log_tail,
    _Runner,
)

LOG_LINE_PREFIX = "%m [%p] %q%u@%d "
LOGGING_SETTINGS = f"""
logging_collector = on
log_destination = 'stderr,csvlog,jsonlog'
log_directory = 'log'
log_filename = 'postgresql.log'
log_statement = 'all'
log_timezone = 'UTC'
log_line_prefix = '{LOG_LINE_PREFIX}'
"""


@dataclass(frozen=True, slots=True)
class StatementLogs:
    stderr: Path
    csv: Path
    json: Path


@contextmanager
def statement_logs(
    bindir: Path, session: Callable[[PostgresServer], None]
) -> Iterator[StatementLogs]:
    """Start a logging server, run ``session`` against it, stop it, yield copies of the logs."""
    workdir = Path(tempfile.mkdtemp(prefix="stackward-pglog-"))
    runner = _Runner(workdir)
    data, server_log, pwfile = workdir / "data", workdir / "server.log", workdir / "pwfile"
    pwfile.write_text(OWNER_PASSWORD + "\n", encoding="utf-8")
    runner.give(pwfile)
    port = _free_port()
    started = False
    try:
        runner.run(
            str(bindir / "initdb"), "-D", str(data), "-U", OWNER, f"--pwfile={pwfile}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(LOGGING_SETTINGS)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c fsync=off"
        try:
            runner.run(
                str(bindir / "pg_ctl"), "-D", str(data), "-l", str(server_log), "-w",
                "-t", str(START_TIMEOUT_S), "-o", options, "start",
            )  # fmt: skip
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\nserver log:\n{_log_tail(server_log)}") from None
        started = True
        session(PostgresServer(host="127.0.0.1", port=port, database="postgres"))
        runner.run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        started = False
        out = Path(tempfile.mkdtemp(prefix="stackward-pglog-out-"))
        for name in ("postgresql.log", "postgresql.csv", "postgresql.json"):
            shutil.copy(data / "log" / name, out / name)
        try:
            yield StatementLogs(
                out / "postgresql.log", out / "postgresql.csv", out / "postgresql.json"
            )
        finally:
            shutil.rmtree(out, ignore_errors=True)
    finally:
        if started:
            runner.run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(workdir, ignore_errors=True)
