"""Which tables a SQL statement reads and writes, from a real PostgreSQL parser (sqlglot).

SELECT and ``COPY ... TO`` read; INSERT, UPDATE, DELETE, MERGE, TRUNCATE and ``COPY ... FROM``
write their target and read every other table they name. DDL, transaction control and
settings touch no data and give nothing. Unqualified names resolve to schema ``public``;
names of CTEs are not tables. Text that is no statement gives a :class:`SqlError`.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from stackward.usage.events import Action

DEFAULT_SCHEMA = "public"
MAX_STATEMENT_CHARS = 200_000
CACHED_STATEMENTS = 4096
CACHED_MAX_CHARS = 4096
"""Parsing costs milliseconds and applications repeat the same statements (parameters are
``$1`` in the text), so each distinct short text is parsed once (at most ~16 MiB held)."""

_WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge)
_NO_DATA = (
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.Command,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Set,
    exp.Use,
    exp.Grant,
    exp.Describe,
    exp.Analyze,
)


class _NoStatementEcho(logging.Filter):
    """sqlglot warns about statements it keeps as a bare command by quoting the whole text,
    which can hold data values from the log; what the scan prints must stay redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "contains unsupported syntax" not in record.getMessage()


_SQLGLOT_LOGGER = logging.getLogger("sqlglot")
if not any(isinstance(f, _NoStatementEcho) for f in _SQLGLOT_LOGGER.filters):
    _SQLGLOT_LOGGER.addFilter(_NoStatementEcho())


class SqlError(ValueError):
    """The text is not a statement the parser understands."""


@dataclass(frozen=True, slots=True)
class TableUse:
    table: str
    """``schema.table``, lower case unless the name was quoted."""
    action: Action
    operation: str


def table_uses(statement: str) -> list[TableUse]:
    """The tables ``statement`` (one or more statements) reads and writes, in order."""
    if len(statement) > MAX_STATEMENT_CHARS:
        raise SqlError(f"statement longer than {MAX_STATEMENT_CHARS} characters")
    parse = _parse_cached if len(statement) <= CACHED_MAX_CHARS else _parse
    uses, error = parse(statement)
    if error:
        raise SqlError(error)
    return list(uses)


def _parse(statement: str) -> tuple[tuple[TableUse, ...], str]:
    """The uses of ``statement``, or why it could not be parsed."""
    try:
        trees = sqlglot.parse(statement, dialect="postgres")
        uses: list[TableUse] = []
        for tree in trees:
            if tree is not None:
                uses.extend(_uses_of(tree))
    except ParseError as exc:
        return (), _redacted(exc)
    except SqlglotError:
        return (), "not tokenized (an unterminated string or quote)"
    except SqlError as exc:
        return (), str(exc)
    except RecursionError:
        return (), "statement nested too deeply"
    return tuple(uses), ""


_parse_cached = functools.lru_cache(maxsize=CACHED_STATEMENTS)(_parse)


def _uses_of(tree: exp.Expr) -> list[TableUse]:
    if isinstance(tree, _NO_DATA):
        return []
    operation = tree.key.upper()
    if isinstance(tree, exp.Query):
        return _all_tables(tree, "read", "SELECT", exclude=None)
    if isinstance(tree, exp.Copy):
        target = _table_of(tree.this)
        if tree.args.get("kind"):  # COPY ... FROM: data goes into the table
            return [TableUse(target, "write", "COPY FROM")] if target else []
        return _all_tables(tree, "read", "COPY TO", exclude=None)
    if isinstance(tree, exp.TruncateTable):
        return [
            TableUse(name, "write", "TRUNCATE")
            for name in (_table_of(t) for t in tree.expressions)
            if name
        ]
    if isinstance(tree, _WRITES):
        target_node = tree.this
        target = _table_of(target_node)
        uses = [TableUse(target, "write", operation)] if target else []
        return uses + _all_tables(tree, "read", operation, exclude=target)
    raise SqlError(f"not a statement: {type(tree).__name__}")


def _all_tables(
    tree: exp.Expr, action: Action, operation: str, exclude: str | None
) -> list[TableUse]:
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    seen: set[str] = set()
    uses: list[TableUse] = []
    for node in tree.find_all(exp.Table):
        if not node.db and node.name.lower() in ctes:
            continue
        name = _table_of(node)
        if name and name != exclude and name not in seen:
            seen.add(name)
            uses.append(TableUse(name, action, operation))
    return uses


def _table_of(node: exp.Expression | None) -> str:
    """``schema.table`` of a table node (or of the table inside ``INSERT INTO t (cols)``)."""
    if isinstance(node, exp.Schema):
        node = node.this
    if not isinstance(node, exp.Table) or not node.name:
        return ""
    if isinstance(node.this, exp.Func | exp.Anonymous):  # FROM generate_series(...)
        return ""
    schema = _ident(node.args.get("db")) or DEFAULT_SCHEMA
    return f"{schema}.{_ident(node.this)}"


def _ident(node: object) -> str:
    """PostgreSQL folds unquoted identifiers to lower case; quoted ones keep their case."""
    if not isinstance(node, exp.Identifier):
        return str(node.name) if isinstance(node, exp.Expression) else ""
    return str(node.this) if node.quoted else str(node.this).lower()


def _redacted(error: ParseError) -> str:
    """What went wrong and where, without the statement text: it may hold data values."""
    first = error.errors[0] if error.errors else {}
    description = re.sub(r"<(?:Token|class) [^>]*>", "<...>", str(first.get("description", "")))
    where = f"line {first.get('line')}, column {first.get('col')}"
    return f"{description[:120] or 'parse error'} at {where}"
