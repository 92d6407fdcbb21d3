"""``stackward alerts``: the detection alerts kept in the scan store, newest first."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stackward.cli.common import fail, parse_severity, resolve_config

if TYPE_CHECKING:
    from stackward.store.alerts import StoredAlert

_RELATIVE = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_since(value: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """``30m``, ``24h``, ``7d`` (before now) or an ISO 8601 time (UTC when no zone given)."""
    if not value:
        return None
    match = _RELATIVE.match(value.strip())
    if match:
        delta = dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        return (now or dt.datetime.now(dt.UTC)) - delta
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise fail(f"--since {value!r}: use 30m, 24h, 7d or an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def alerts(
    since: Annotated[
        str | None, typer.Option(help="Only alerts last seen since: 30m, 24h, 7d or ISO time.")
    ] = None,
    rule: Annotated[str | None, typer.Option(help="Only this rule (SW-DET-001, ...).")] = None,
    min_severity: Annotated[
        str | None, typer.Option(help="Only at or above: info, low, medium, high, critical.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="OCSF Detection Finding JSON, one per line.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many.")] = 100,
    store: Annotated[Path | None, typer.Option("--store", help="SQLite store path.")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Path to stackward.yaml.")
    ] = None,
) -> None:
    """List detection alerts from the store: time, severity, rule, title, actor, target, count."""
    from stackward.store import StoreError
    from stackward.store.alerts import AlertStore

    path = store or resolve_config([], config).store.path
    if not path.is_file():
        raise fail(f"{path}: no store (run `stackward detect` with the store sink first)")
    severity = parse_severity(min_severity)
    start = parse_since(since)
    try:
        db = AlertStore(path)
        try:
            found = db.alerts(since=start, rule=rule, min_severity=severity, limit=limit)
        finally:
            db.close()
    except StoreError as exc:
        raise fail(str(exc)) from None
    if as_json:
        for item in found:
            typer.echo(json.dumps(item.ocsf, separators=(",", ":")))
        return
    _print_table(found)


def _print_table(rows: Sequence[StoredAlert]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    if not rows:
        console.print("no alerts")
        return
    table = Table(title=f"{len(rows)} alert(s)", title_justify="left")
    for column in ("time", "severity", "rule", "title", "actor", "target", "count"):
        table.add_column(
            column,
            justify="right" if column == "count" else "left",
            no_wrap=column in ("time", "severity", "rule", "count"),
        )
    for item in rows:
        table.add_row(
            item.last_seen.strftime("%Y-%m-%d %H:%M:%S"),
            item.severity.label,
            escape(item.rule_id),
            escape(item.title),
            escape(item.actor),
            escape(item.target),
            str(item.count),
        )
    console.print(table)
