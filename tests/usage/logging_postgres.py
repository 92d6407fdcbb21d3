"""A short-lived PostgreSQL server that writes a real statement log in all three formats.

The server of ``tests/postgres.py`` (initdb and pg_ctl into a temporary directory, run as
``nobody`` under root) with logging settings added: ``logging_collector = on``,
``log_statement = 'all'``, ``log_destination = 'stderr,csvlog,jsonlog'`` and a prefix that
names user and database. The caller runs a session, the server is stopped cleanly (so the
collector has flushed every file) and copies of the log files are handed back.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from tests.postgres import PostgresServer, running_postgres

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
LOG_FILES = ("postgresql.log", "postgresql.csv", "postgresql.json")


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
    out = Path(tempfile.mkdtemp(prefix="stackward-pglog-out-"))

    def keep(data: Path) -> None:
        for name in LOG_FILES:
            shutil.copy(data / "log" / name, out / name)

    try:
        with running_postgres(bindir, settings=LOGGING_SETTINGS, keep=keep) as server:
            session(replace(server, database="postgres"))
        yield StatementLogs(*(out / name for name in LOG_FILES))
    finally:
        shutil.rmtree(out, ignore_errors=True)
