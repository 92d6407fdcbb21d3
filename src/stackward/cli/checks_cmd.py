"""``stackward checks``: list the checks with their layer, severity and references."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from stackward.checks import load_checks
from stackward.report.console import severity_text


def list_checks() -> None:
    """List every registered check."""
    table = Table(expand=True)
    for column in ("ID", "Severity", "Layer", "Title", "References"):
        table.add_column(column)
    for check in load_checks():
        meta = check.meta
        table.add_row(
            meta.id,
            severity_text(meta.severity),
            meta.layer.value,
            meta.title,
            ", ".join(r.id for r in meta.refs),
        )
    Console().print(table)
