"""The ``stackward`` command."""

from __future__ import annotations

import typer

from stackward import __version__
from stackward.cli import checks_cmd, init_cmd, paths_cmd, scan_cmd, scan_model_cmd

app = typer.Typer(
    name="stackward",
    help="Security posture for the AI stack: inventory, checks, attack paths, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("scan")(scan_cmd.scan)
app.command("scan-model")(scan_model_cmd.scan_model)
app.command("paths")(paths_cmd.paths)
app.command("init")(init_cmd.init)
app.command("checks")(checks_cmd.list_checks)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stackward {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """stackward: find and rank the security weaknesses of an AI stack."""


def main() -> None:
    app()
