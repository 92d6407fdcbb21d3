"""``stackward bom``: the scanned inventory as a CycloneDX 1.6 ML-BOM."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stackward.cli.common import err_console, fail, resolve_config
from stackward.cli.exit_codes import OK, PARTIAL_SCAN
from stackward.report.bom import BomError, BomFormat, render_bom
from stackward.scan import run_scan


def bom(
    targets: Annotated[
        list[Path] | None, typer.Argument(help="Directories or files to scan.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Path to stackward.yaml.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the BOM here (default stdout).")
    ] = None,
    fmt: Annotated[
        BomFormat, typer.Option("--format", "-f", help="CycloneDX JSON or XML.")
    ] = BomFormat.JSON,
    deterministic: Annotated[
        bool,
        typer.Option(
            "--deterministic", help="Serial number derived from the scope instead of random."
        ),
    ] = False,
) -> None:
    """Write the AI bill of materials: models, datasets, services, libraries (CycloneDX 1.6).

    Exits 3 when some input could not be read (the BOM is written but incomplete).
    """
    result = run_scan(resolve_config(targets or [], config))
    try:
        text = render_bom(result, fmt, deterministic=deterministic)
    except BomError as exc:
        raise fail(str(exc)) from None
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    if result.partial:
        err_console().print(
            f"[yellow]warning:[/yellow] {len(result.skipped)} input(s) skipped; "
            "the BOM is incomplete (run `stackward scan` to see why)",
            highlight=False,
        )
    raise typer.Exit(PARTIAL_SCAN if result.partial else OK)
