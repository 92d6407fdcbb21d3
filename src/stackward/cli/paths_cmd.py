"""``stackward paths``: attack paths from the internet to sensitive assets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from stackward.cli.common import resolve_config
from stackward.report.console import print_paths
from stackward.scan import run_scan


def paths(
    targets: Annotated[
        list[Path] | None, typer.Argument(help="Directories or files to scan.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Path to stackward.yaml.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many paths.")] = 50,
) -> None:
    """Print attack paths: internet-exposed entry points to models, data, secrets."""
    result = run_scan(resolve_config(targets or [], config))
    print_paths(Console(), result, limit)
