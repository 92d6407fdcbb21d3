"""``stackward scan``: collect, check, rank, store, report."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from stackward.cli.common import err_console, fail, parse_severity, resolve_config
from stackward.cli.exit_codes import scan_exit_code
from stackward.config.schema import ScanConfig
from stackward.report.console import print_findings
from stackward.report.interface import load_reporters
from stackward.scan import ScanResult, run_scan
from stackward.scan.pipeline import scope_of
from stackward.store import StoreError, open_store

FORMATS = ("console", "json", "sarif", "ocsf", "html", "cyclonedx")


def scan(
    targets: Annotated[
        list[Path] | None,
        typer.Argument(help="Directories or files to scan (default: config, or .)"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Path to stackward.yaml.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Standard output format: {', '.join(FORMATS)}.")
    ] = "console",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write --format output here.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the HTML report here.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON here.")] = None,
    sarif: Annotated[
        Path | None, typer.Option("--sarif", help="Also write SARIF 2.1.0 here.")
    ] = None,
    ocsf: Annotated[
        Path | None, typer.Option("--ocsf", help="Also write OCSF 1.8 JSONL here.")
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Exit 1 if a finding is at or above this severity."),
    ] = None,
    store: Annotated[Path | None, typer.Option("--store", help="SQLite store path.")] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not record this scan.")] = False,
    accept_model_changes: Annotated[
        bool,
        typer.Option(
            "--accept-model-changes",
            help="Record current model hashes as the new baseline (after reviewing a change).",
        ),
    ] = False,
) -> None:
    """Scan an AI stack and report risk-ranked findings."""
    if output_format not in FORMATS:
        raise fail(f"unknown format {output_format!r}; choose from {', '.join(FORMATS)}")
    cfg = resolve_config(targets or [], config, store)
    threshold = parse_severity(fail_on) or cfg.fail_on
    result = run_scan(cfg, baselines=None if no_store else _baselines(cfg))
    if not no_store:
        _record(result, cfg.store.path, accept_model_changes)
    reporters = load_reporters()
    if output_format == "console":
        if output is None:
            print_findings(Console(), result)
        else:
            _write(output, _console_text(result))
    else:
        _emit(reporters[output_format].render(result), output)
    extra = {
        "html": html or cfg.reports.html,
        "json": json_out or cfg.reports.json_path,
        "sarif": sarif or cfg.reports.sarif,
        "ocsf": ocsf or cfg.reports.ocsf,
    }
    for name, path in extra.items():
        if path is None:
            continue
        if name not in reporters:
            raise fail(f"output format {name} is not available")
        _write(path, reporters[name].render(result))
        err_console().print(f"wrote {name} report to {path}", highlight=False, soft_wrap=True)
    failing = threshold is not None and any(f.severity >= threshold for f in result.findings)
    raise typer.Exit(scan_exit_code(result.partial, failing))


def _console_text(result: ScanResult) -> str:
    console = Console(record=True, width=140, file=io.StringIO())
    print_findings(console, result)
    return console.export_text()


def _baselines(cfg: ScanConfig) -> dict[str, str]:
    try:
        db = open_store(cfg.store.path)
        try:
            return db.artifact_baselines(scope_of(cfg))
        finally:
            db.close()
    except StoreError as exc:
        raise fail(str(exc)) from None


def _record(result: ScanResult, path: Path, accept_model_changes: bool = False) -> None:
    try:
        db = open_store(path)
        try:
            record = db.record_scan(result, accept_model_changes=accept_model_changes)
        finally:
            db.close()
    except StoreError as exc:
        raise fail(str(exc)) from None
    err_console().print(
        f"scan #{record.id} stored in {path}: {record.new_count} new, "
        f"{record.resolved_count} resolved since the last scan of this scope",
        highlight=False,
        soft_wrap=True,
    )


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"{path}: cannot write report: {exc.strerror}") from None


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write(output, text)
