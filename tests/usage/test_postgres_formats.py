"""PostgreSQL stderr lines (two prefixes), pgaudit, csvlog and jsonlog: uses and non-uses."""

# ruff: noqa: S608 - SQL text here is log content to parse, never sent to a database

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackward.usage.events import LogReport
from stackward.usage.pg_prefix import PrefixError, line_pattern
from stackward.usage.postgres import read_csvlog, read_jsonlog, read_stderr

T = "2026-11-26 10:00:00.123 UTC"
CUSTOMERS = "postgresql:///shop/public.customers"
Use = tuple[str, str, str, str]


def _stderr(tmp_path: Path, lines: list[str], prefix: str | None = None, audit: bool = False):  # type: ignore[no-untyped-def]
    path = tmp_path / "postgresql.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = LogReport(str(path))
    events = list(read_stderr(path, problems, prefix, audit_only=audit))
    return [(e.principal, e.action, e.target, e.operation) for e in events], problems


@pytest.mark.parametrize(
    ("lines", "expected", "bad"),
    [
        pytest.param(
            [f"{T} [7] alice@shop LOG:  statement: SELECT * FROM customers"],
            [("alice", "read", CUSTOMERS, "SELECT")],
            0,
            id="select",
        ),
        pytest.param(
            [
                f"{T} [7] alice@shop LOG:  execute <unnamed>: SELECT id,",
                "\t  email FROM crm.Customers",
                "\t WHERE id = $1",
                f"{T} [7] alice@shop DETAIL:  parameters: $1 = '5'",
            ],
            [("alice", "read", "postgresql:///shop/crm.customers", "SELECT")],
            0,
            id="multi-line-extended-protocol",
        ),
        pytest.param(
            [
                f"{T} [7] bob@shop LOG:  statement: SELECT email FROM customers",
                f"{T} [7] bob@shop ERROR:  permission denied for table customers",
                f"{T} [7] bob@shop STATEMENT:  SELECT email FROM customers",
            ],
            [],
            0,
            id="denied-statement-is-no-use",
        ),
        pytest.param(
            [
                f"{T} [7] bob@shop LOG:  statement: SELECT email FROM customers",
                f"{T} [8] eve@shop ERROR:  syntax error at or near x",
            ],
            [("bob", "read", CUSTOMERS, "SELECT")],
            0,
            id="error-of-another-backend-does-not-cancel",
        ),
        pytest.param(
            [
                f"{T} [7] bob@shop LOG:  statement: INSERT INTO customers VALUES (1)",
                f"{T} [7] bob@shop LOG:  statement: UPDATE customers SET email = 'x'",
                f"{T} [7] bob@shop LOG:  statement: DELETE FROM customers",
                f"{T} [7] bob@shop LOG:  statement: TRUNCATE customers",
                f"{T} [7] bob@shop LOG:  statement: COPY customers FROM STDIN",
            ],
            [
                ("bob", "write", CUSTOMERS, "INSERT"),
                ("bob", "write", CUSTOMERS, "UPDATE"),
                ("bob", "write", CUSTOMERS, "DELETE"),
                ("bob", "write", CUSTOMERS, "TRUNCATE"),
                ("bob", "write", CUSTOMERS, "COPY FROM"),
            ],
            0,
            id="writes",
        ),
        pytest.param(
            [
                f"{T} [7] dba@shop LOG:  statement: CREATE TABLE audit_copy (id int)",
                f"{T} [7] dba@shop LOG:  statement: DROP TABLE customers",
                f"{T} [7] dba@shop LOG:  statement: GRANT SELECT ON customers TO bob",
                f"{T} [7] dba@shop LOG:  statement: /* only a comment */ SELECT 1",
                f"{T} [7] dba@shop LOG:  statement: BEGIN",
                f"{T} [7] dba@shop LOG:  statement: SELECT 'DELETE FROM customers'",
                f"{T} [9] LOG:  checkpoint starting: time",
            ],
            [],
            0,
            id="ddl-comments-strings-and-server-lines-are-no-use",
        ),
        pytest.param(
            [
                f"{T} [7] bob@shop LOG:  statement: SELEC email FROM",
                "not a log line at all",
                "2026-11-26 10:00:00 CET [7] bob@shop LOG:  statement: SELECT * FROM customers",
            ],
            [],
            3,
            id="malformed-lines-counted",
        ),
        pytest.param(
            [
                f"{T} [7] app@shop LOG:  AUDIT: SESSION,1,1,READ,SELECT,TABLE,public.customers,"
                '"select * from customers",<not logged>',
                f"{T} [7] app@shop LOG:  AUDIT: SESSION,2,1,WRITE,INSERT,,,"
                '"insert into crm.orders values (1)",<not logged>',
                f"{T} [7] app@shop LOG:  AUDIT: SESSION,3,1,DDL,CREATE TABLE,,,"
                '"create table t (a int)",<not logged>',
            ],
            [
                ("app", "read", CUSTOMERS, "SELECT"),
                ("app", "write", "postgresql:///shop/crm.orders", "INSERT"),
            ],
            0,
            id="pgaudit-object-and-statement",
        ),
    ],
)
def test_stderr_lines(tmp_path: Path, lines: list[str], expected: list[Use], bad: int) -> None:
    used, problems = _stderr(tmp_path, lines)
    assert used == expected
    assert problems.count == bad, problems.examples
    assert all(e.startswith("line ") for e in problems.examples)


def test_other_prefix_from_configuration(tmp_path: Path) -> None:
    prefix = "%t [%p]: user=%u,db=%d,app=%a,client=%h "
    line = (
        "2026-11-26 10:00:00 UTC [7]: user=alice,db=shop,app=psql,client=10.0.0.1 LOG:  "
        "statement: SELECT * FROM customers"
    )
    assert _stderr(tmp_path, [line], prefix)[0] == [("alice", "read", CUSTOMERS, "SELECT")]
    used, problems = _stderr(tmp_path, [line])  # the default prefix does not fit this log
    assert used == [] and problems.count == 1


def test_pgaudit_only_reads_audit_records(tmp_path: Path) -> None:
    lines = [
        f"{T} [7] app@shop LOG:  statement: SELECT * FROM customers",
        f"{T} [7] app@shop LOG:  AUDIT: SESSION,1,1,READ,SELECT,TABLE,crm.orders,"
        '"select 1",<not logged>',
    ]
    used, _ = _stderr(tmp_path, lines, audit=True)
    assert used == [("app", "read", "postgresql:///shop/crm.orders", "SELECT")]


@pytest.mark.parametrize(
    "prefix",
    [
        pytest.param("%m [%p] ", id="no-user"),
        pytest.param("%m %u ", id="no-database"),
        pytest.param("%m %k %u@%d ", id="unknown-escape"),
        pytest.param("%m %u@%d %", id="trailing-percent"),
    ],
)
def test_prefix_that_cannot_say_who_is_refused(prefix: str) -> None:
    with pytest.raises(PrefixError):
        line_pattern(prefix)


CSV_HEAD = '2026-11-26 10:00:00.123 UTC,"alice","shop",7,"127.0.0.1:5000",6565.1,1,"SELECT",'
CSV_TAIL = '2026-11-26 09:00:00 UTC,3/1,0,{sev},00000,"{msg}",,,,,,,,,"client backend",,0'


def _csv_row(severity: str, message: str) -> str:
    return CSV_HEAD + CSV_TAIL.format(sev=severity, msg=message.replace('"', '""'))


@pytest.mark.parametrize(
    ("rows", "expected", "bad"),
    [
        pytest.param(
            [_csv_row("LOG", "statement: SELECT *\nFROM customers")],
            [("alice", "read", CUSTOMERS, "SELECT")],
            0,
            id="multi-line-quoted-field",
        ),
        pytest.param(
            [
                _csv_row("LOG", "statement: SELECT * FROM customers"),
                _csv_row("ERROR", "permission denied for table customers"),
            ],
            [],
            0,
            id="denied",
        ),
        pytest.param(["1,2,3", _csv_row("LOG", "statement: SELECT 1")], [], 1, id="short-row"),
    ],
)
def test_csvlog(tmp_path: Path, rows: list[str], expected: list[Use], bad: int) -> None:
    path = tmp_path / "postgresql.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    problems = LogReport(str(path))
    events = list(read_csvlog(path, problems))
    assert [(e.principal, e.action, e.target, e.operation) for e in events] == expected
    assert problems.count == bad


def _json_line(severity: str, message: str, pid: int = 7) -> str:
    return json.dumps(
        {
            "timestamp": T,
            "user": "alice",
            "dbname": "shop",
            "pid": pid,
            "error_severity": severity,
            "message": message,
        }
    )


@pytest.mark.parametrize(
    ("lines", "expected", "bad"),
    [
        pytest.param(
            [_json_line("LOG", "statement: COPY customers TO STDOUT")],
            [("alice", "read", CUSTOMERS, "COPY TO")],
            0,
            id="copy-to",
        ),
        pytest.param(
            [
                _json_line("LOG", "statement: SELECT * FROM customers"),
                _json_line("ERROR", "canceling statement due to user request"),
            ],
            [],
            0,
            id="failed",
        ),
        pytest.param(
            [_json_line("LOG", "statement: SELECT * FROM customers")[:40], "[1, 2]"],
            [],
            2,
            id="truncated-and-not-an-object",
        ),
    ],
)
def test_jsonlog(tmp_path: Path, lines: list[str], expected: list[Use], bad: int) -> None:
    path = tmp_path / "postgresql.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = LogReport(str(path))
    events = list(read_jsonlog(path, problems))
    assert [(e.principal, e.action, e.target, e.operation) for e in events] == expected
    assert problems.count == bad


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("SELEC 'alice@example.com' x", id="unexpected-literal"),
        pytest.param("SELECT 'alice@example.com", id="unterminated-string"),
        pytest.param("SELECT * FROM t WHERE email = 'alice@example.com' AND (", id="cut"),
    ],
)
def test_unparsed_statement_is_reported_without_its_values(tmp_path: Path, sql: str) -> None:
    used, problems = _stderr(tmp_path, [f"{T} [7] bob@shop LOG:  statement: {sql}"])
    assert used == [] and problems.count == 1
    assert problems.examples[0].startswith("line 1: statement not parsed")
    assert "alice" not in problems.examples[0]


def test_statement_text_is_not_echoed_by_the_parser(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    line = f"{T} [7] dba@shop LOG:  statement: VACUUM customers_secret_9f2c"
    with caplog.at_level("DEBUG"):
        used, problems = _stderr(tmp_path, [line])
    assert used == [] and problems.count == 0
    assert "customers_secret_9f2c" not in caplog.text
