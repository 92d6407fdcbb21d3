"""``stackward init``: write a commented default ``stackward.yaml``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from stackward.cli.common import fail


def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path(
        "stackward.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented default configuration."""
    if path.exists() and not force:
        raise fail(f"{path} exists; use --force to overwrite")
    text = resources.files("stackward.config").joinpath("default.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {path}")
