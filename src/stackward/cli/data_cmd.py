"""``stackward data``: the data map of a scan, for all data assets or one.

The first argument is the asset to show unless it names an existing file or directory, in
which case every argument is a scan target (as ``git log [rev] [paths]`` reads its
arguments); ``--asset`` names the asset explicitly when that is ambiguous.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from stackward.cli.common import fail, resolve_config
from stackward.report.data_map import DEFAULT_LINEAGE_DEPTH, build_data_map, data_map_dict
from stackward.report.data_map_console import print_data_card, print_data_table
from stackward.scan import run_scan

MAX_DEPTH = 100


def split_arguments(arguments: list[str], asset: str | None) -> tuple[str | None, list[Path]]:
    """(asset, targets) from the positional arguments."""
    if asset is None and arguments and not Path(arguments[0]).exists():
        asset, arguments = arguments[0], arguments[1:]
    return asset, [Path(a) for a in arguments]


def data(
    arguments: Annotated[
        list[str] | None,
        typer.Argument(
            help="[ASSET] [TARGETS]...: an asset id, dataset_key or unique name, then the "
            "directories or files to scan.",
            show_default=False,
        ),
    ] = None,
    asset: Annotated[
        str | None, typer.Option("--asset", "-a", help="The asset to show (id, key or name).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the data map as JSON.")] = False,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Path to stackward.yaml.")
    ] = None,
    depth: Annotated[
        int,
        typer.Option(min=1, max=MAX_DEPTH, help="Lineage hops to follow each way."),
    ] = DEFAULT_LINEAGE_DEPTH,
) -> None:
    """Show each data asset: what it holds, who can access it, how it is used, its lineage
    and where it lives."""
    wanted, targets = split_arguments(list(arguments or []), asset)
    result = run_scan(resolve_config(targets, config))
    data_map = build_data_map(result, depth)
    if wanted is None:
        if as_json:
            typer.echo(json.dumps(data_map_dict(data_map), indent=2, sort_keys=True))
        else:
            print_data_table(Console(), data_map)
        return
    matches = data_map.find(wanted)
    if not matches:
        raise fail(f"no data asset with id, dataset_key or name {wanted!r}")
    if len(matches) > 1:
        ids = ", ".join(card.id for card in matches)
        raise fail(f"{wanted!r} names {len(matches)} data assets; give one id: {ids}")
    (card,) = matches
    if as_json:
        document = data_map_dict(data_map)
        document["assets"] = [a for a in document["assets"] if a["id"] == card.id]
        typer.echo(json.dumps(document, indent=2, sort_keys=True))
    else:
        print_data_card(Console(), card, depth)
