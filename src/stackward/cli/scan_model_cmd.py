"""``stackward scan-model``: scan model artifacts only (files, directories, ``s3://`` URIs)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stackward.cli.common import err_console, fail, parse_severity, resolve_config
from stackward.cli.exit_codes import scan_exit_code

if TYPE_CHECKING:
    from stackward.config.schema import ScanConfig
    from stackward.scan import ScanResult

# The scan, report and store modules are imported inside the command so that a model scan
# loads only what it uses (see ``stackward.cli.app``).

FORMATS = ("console", "json", "sarif")
MODEL_SCOPE_PREFIX = "models:"
"""``scan-model`` records under its own scope so that a model-only scan never marks the
findings of a full ``stackward scan`` of the same paths as resolved."""


def scan_model(
    targets: Annotated[
        list[str],
        typer.Argument(help="Model files, directories (e.g. a Hugging Face cache) or s3:// URIs."),
    ],
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Path to stackward.yaml.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")
    ] = "console",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 if a finding is at or above this severity.")
    ] = "high",
    allow_global: Annotated[
        list[str] | None,
        typer.Option("--allow-global", help="Extra allowed pickle global (repeatable)."),
    ] = None,
    no_hash: Annotated[
        bool, typer.Option("--no-hash", help="Skip SHA-256 of whole files (no tamper check).")
    ] = False,
    s3_endpoint: Annotated[
        str | None, typer.Option("--s3-endpoint", help="S3-compatible endpoint URL.")
    ] = None,
    s3_region: Annotated[str | None, typer.Option("--s3-region", help="S3 region.")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="SQLite store path.")] = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Do not record hashes or findings.")
    ] = False,
    accept_model_changes: Annotated[
        bool,
        typer.Option(
            "--accept-model-changes",
            help="Record the current hashes as the new baseline (after reviewing a change).",
        ),
    ] = False,
) -> None:
    """Scan model artifacts for code execution, unsafe operators, tampering and bad signatures."""
    from stackward.checks.registry import load_builtin_checks
    from stackward.collectors.files.collector import ModelFilesCollector
    from stackward.collectors.objectstore import ObjectStoreCollector
    from stackward.scan import run_scan
    from stackward.scan.pipeline import scope_of

    if output_format not in FORMATS:
        raise fail(f"unknown format {output_format!r}; choose from {', '.join(FORMATS)}")
    threshold = parse_severity(fail_on)
    local = [Path(t) for t in targets if not t.startswith("s3://")]
    remote = [t for t in targets if t.startswith("s3://")]
    cfg = _config(resolve_config(local, config, store), local, remote, s3_endpoint, s3_region)
    extra = tuple(allow_global or ())
    artifacts = cfg.artifacts.model_copy(
        update={
            "allow_globals": [*cfg.artifacts.allow_globals, *extra],
            "hash": cfg.artifacts.hash and not no_hash,
        }
    )
    cfg = cfg.model_copy(update={"artifacts": artifacts})
    scope = MODEL_SCOPE_PREFIX + scope_of(cfg)
    baselines = {} if no_store else _baselines(cfg, scope)
    checks = load_builtin_checks("artifacts")
    result = run_scan(
        cfg,
        collectors=[ModelFilesCollector(), ObjectStoreCollector()],
        checks=checks,
        baselines=baselines,
    )
    result.scope = scope
    if not no_store:
        _record(result, cfg, accept_model_changes)
    _report(result, output_format, output)
    failing = threshold is not None and any(f.severity >= threshold for f in result.findings)
    raise typer.Exit(scan_exit_code(result.partial, failing))


def _report(result: ScanResult, output_format: str, output: Path | None) -> None:
    from stackward.report.artifacts_report import print_artifacts, render_artifacts_json

    if output_format == "console":
        from rich.console import Console

        console = Console(file=output.open("w", encoding="utf-8") if output else None, width=160)
        print_artifacts(console, result)
    else:
        text = render_artifacts_json(result) if output_format == "json" else _sarif(result)
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")


def _sarif(result: ScanResult) -> str:
    from stackward.report.interface import load_reporters

    return load_reporters()["sarif"].render(result)


def _config(
    cfg: ScanConfig,
    local: list[Path],
    remote: list[str],
    endpoint: str | None,
    region: str | None,
) -> ScanConfig:
    from stackward.config.schema import ObjectStoreSource

    sources = cfg.sources.model_copy(update={"paths": local, "kubernetes_clusters": []})
    stores = [ObjectStoreSource(uri=u, endpoint_url=endpoint, region=region) for u in remote]
    if not remote:
        stores = list(cfg.artifacts.object_stores) if not local else []
    artifacts = cfg.artifacts.model_copy(update={"object_stores": stores})
    return cfg.model_copy(update={"sources": sources, "artifacts": artifacts})


def _baselines(cfg: ScanConfig, scope: str) -> dict[str, str]:
    from stackward.store import StoreError, open_store

    try:
        db = open_store(cfg.store.path)
        try:
            return db.artifact_baselines(scope)
        finally:
            db.close()
    except StoreError as exc:
        raise fail(str(exc)) from None


def _record(result: ScanResult, cfg: ScanConfig, accept: bool) -> None:
    from stackward.store import StoreError, open_store

    try:
        db = open_store(cfg.store.path)
        try:
            db.record_scan(result, accept_model_changes=accept)
        finally:
            db.close()
    except StoreError as exc:
        raise fail(str(exc)) from None
    if accept:
        err_console().print("model hashes recorded as the new baseline", highlight=False)
