"""PostgreSQL log records to access events, whatever the log's format.

With ``log_statement = 'all'`` the server logs a statement *before* running it, so a
statement that then fails (permission denied, syntax error) is followed by an ERROR from the
same backend. Each backend's last statement is therefore held until that backend logs
something else at LOG level (used) or an ERROR/FATAL (not used: a denied request is no use
of the data). pgaudit ``AUDIT:`` records name the object directly.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from stackward.usage.events import AccessEvent, Action, LogReport
from stackward.usage.sql import DEFAULT_SCHEMA, SqlError, table_uses

MAX_OPEN_BACKENDS = 10_000
"""Backends with a statement still waiting for its outcome; beyond this the oldest is taken
as having succeeded (bounds memory on logs of very many sessions)."""

_STATEMENT = re.compile(
    r"^(?:duration: [\d.]+ ms\s+)?(?:statement|execute [^:]*): (?P<sql>.*)$", re.DOTALL
)
_AUDIT = re.compile(r"^AUDIT: (?P<fields>.*)$", re.DOTALL)
_FAILED = frozenset({"ERROR", "FATAL", "PANIC"})
_AUDIT_ACTIONS: dict[str, Action] = {"READ": "read", "WRITE": "write", "ROLE": "admin"}


@dataclass(frozen=True, slots=True)
class PgRecord:
    """One log record, the fields that matter here, from any of the three formats."""

    time: dt.datetime
    pid: str
    user: str
    database: str
    severity: str
    message: str
    line: int


def postgres_target(database: str, table: str) -> str:
    """``postgresql:///<database>/<schema>.<table>``: host and port come from the store the
    log belongs to, which the configuration names."""
    return f"postgresql:///{database}/{table}"


class StatementTracker:
    """Turns records, in log order, into events; see the module docstring for why it waits."""

    def __init__(self, log: str, problems: LogReport, audit_only: bool) -> None:
        self._log = log
        self._problems = problems
        self._audit_only = audit_only
        self._pending: OrderedDict[str, list[AccessEvent]] = OrderedDict()

    def feed(self, record: PgRecord) -> Iterator[AccessEvent]:
        self._problems.saw(record.time)
        held = self._pending.pop(record.pid, None)
        if record.severity in _FAILED:
            return  # the held statement failed
        if held is not None and record.severity != "LOG":
            self._pending[record.pid] = held  # DETAIL, NOTICE...: outcome not known yet
            return
        if held:
            yield from held
        if record.severity != "LOG" or not record.user:
            return
        events = self._events(record)
        if events is None:
            return
        self._pending[record.pid] = events
        while len(self._pending) > MAX_OPEN_BACKENDS:
            yield from self._pending.popitem(last=False)[1]

    def finish(self) -> Iterator[AccessEvent]:
        while self._pending:
            yield from self._pending.popitem(last=False)[1]

    def _events(self, record: PgRecord) -> list[AccessEvent] | None:
        """The events of a statement or audit record; None when the record is neither."""
        audit = _AUDIT.match(record.message)
        if audit is not None:
            return self._audit_events(record, audit.group("fields"))
        statement = _STATEMENT.match(record.message)
        if statement is None or self._audit_only:
            return None
        return self._statement_events(record, statement.group("sql"))

    def _statement_events(self, record: PgRecord, sql: str) -> list[AccessEvent]:
        try:
            uses = table_uses(sql)
        except SqlError as exc:
            self._problems.add(record.line, f"statement not parsed: {exc}")
            return []
        return [self._event(record, use.table, use.action, use.operation) for use in uses]

    def _audit_events(self, record: PgRecord, fields_text: str) -> list[AccessEvent]:
        """``AUDIT_TYPE,STATEMENT_ID,SUBSTATEMENT_ID,CLASS,COMMAND,OBJECT_TYPE,OBJECT_NAME,
        STATEMENT,PARAMETER`` (pgaudit's documented CSV shape)."""
        try:
            fields = next(csv.reader([fields_text.replace("\n", " ")]))
        except (csv.Error, StopIteration):
            fields = []
        if len(fields) < 8:
            self._problems.add(record.line, "AUDIT record without its 9 fields")
            return []
        audit_class, command, object_name, statement = fields[3], fields[4], fields[6], fields[7]
        action = _AUDIT_ACTIONS.get(audit_class)
        if action is None:
            return []  # DDL, FUNCTION, MISC: no data read or written
        if object_name:
            table = object_name if "." in object_name else f"{DEFAULT_SCHEMA}.{object_name}"
            return [self._event(record, table, action, command)]
        if action == "admin":
            return []
        return self._statement_events(record, statement)

    def _event(self, record: PgRecord, table: str, action: Action, operation: str) -> AccessEvent:
        return AccessEvent(
            time=record.time,
            principal=record.user,
            action=action,
            target=postgres_target(record.database, table),
            operation=operation,
            log=self._log,
            line=record.line,
        )
