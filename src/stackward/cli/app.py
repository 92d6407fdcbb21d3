"""The ``stackward`` command.

Commands are imported only when they run: ``stackward scan-model`` does not pay for the
report, graph and collector modules that ``stackward scan`` needs, so a model scan starts
in a fraction of the time. ``stackward --help`` imports them all to list them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

import typer

from stackward import __version__

Command = Callable[..., Any]


def _scan() -> Command:
    from stackward.cli.scan_cmd import scan

    return scan


def _scan_model() -> Command:
    from stackward.cli.scan_model_cmd import scan_model

    return scan_model


def _classify() -> Command:
    from stackward.cli.classify_cmd import classify

    return classify


def _paths() -> Command:
    from stackward.cli.paths_cmd import paths

    return paths


def _bom() -> Command:
    from stackward.cli.bom_cmd import bom

    return bom


def _lineage() -> Command:
    from stackward.cli.lineage_cmd import lineage

    return lineage


def _lineage_receiver() -> Command:
    from stackward.cli.lineage_receiver_cmd import lineage_receiver

    return lineage_receiver


def _data() -> Command:
    from stackward.cli.data_cmd import data

    return data


def _init() -> Command:
    from stackward.cli.init_cmd import init

    return init


def _checks() -> Command:
    from stackward.cli.checks_cmd import list_checks

    return list_checks


def _detect() -> Command:
    from stackward.cli.detect_cmd import detect

    return detect


def _alerts() -> Command:
    from stackward.cli.alerts_cmd import alerts

    return alerts


COMMANDS: dict[str, Callable[[], Command]] = {
    "scan": _scan,
    "scan-model": _scan_model,
    "classify": _classify,
    "paths": _paths,
    "bom": _bom,
    "lineage": _lineage,
    "lineage-receiver": _lineage_receiver,
    "data": _data,
    "init": _init,
    "checks": _checks,
    "detect": _detect,
    "alerts": _alerts,
}
"""Command name → loader of its function. The order is the order of ``--help``."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stackward {__version__}")
        raise typer.Exit()


def main_callback(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """stackward: find and rank the security weaknesses of an AI stack."""


def build_app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """A Typer application with the named commands (all of them by default)."""
    application = typer.Typer(
        name="stackward",
        help="Security posture for the AI stack: inventory, checks, attack paths, reports.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name in names:
        application.command(name)(COMMANDS[name]())
    application.callback()(main_callback)
    return application


def commands_for(argv: list[str]) -> list[str]:
    """Only the command about to run, or every command for help, version and mistakes."""
    if argv and argv[0] in COMMANDS:
        return [argv[0]]
    return list(COMMANDS)


def __getattr__(name: str) -> Any:
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    build_app(commands_for(sys.argv[1:]))()
