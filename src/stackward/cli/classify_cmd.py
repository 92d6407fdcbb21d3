"""``stackward classify``: find sensitive data in files, S3 prefixes and PostgreSQL databases."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stackward.cli.common import fail

if TYPE_CHECKING:
    from rich.console import Console

    from stackward.dspm.classify import ClassifyRun

FORMATS = ("console", "json")
DEFAULT_KEY = Path(".stackward/dspm.key")


def classify(
    targets: Annotated[
        list[str],
        typer.Argument(help="Paths, s3://bucket/prefix URIs, postgresql:// connection strings."),
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")
    ] = "console",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=0, help="Worker processes for local files; 0 = per CPU."),
    ] = 0,
    full_scan: Annotated[
        bool, typer.Option("--full-scan", help="Read everything instead of sampling.")
    ] = False,
    sample_rows: Annotated[
        int, typer.Option("--sample-rows", min=10, help="Values sampled per column / field.")
    ] = 10_000,
    max_mb: Annotated[
        float, typer.Option("--max-mb", min=0.001, help="MB read from each file or object.")
    ] = 16.0,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Report threshold.")
    ] = 0.5,
    engine: Annotated[
        str, typer.Option("--engine", help="Pattern engine: auto, hyperscan or re.")
    ] = "auto",
    s3_endpoint: Annotated[
        str | None, typer.Option("--s3-endpoint", help="S3-compatible endpoint URL.")
    ] = None,
    s3_region: Annotated[str | None, typer.Option("--s3-region", help="S3 region.")] = None,
    key_file: Annotated[
        Path,
        typer.Option("--key-file", help="Fingerprint key (created on first use, mode 0600)."),
    ] = DEFAULT_KEY,
    no_store: Annotated[
        bool,
        typer.Option("--no-store", help="Use a one-run fingerprint key; write nothing to disk."),
    ] = False,
) -> None:
    """Classify sensitive data (PII, secrets) by column, field and line; values never leave memory."""
    from stackward.dspm.classify import Settings, classify_targets
    from stackward.dspm.engine import EngineError
    from stackward.dspm.evidence import KEY_BYTES
    from stackward.dspm.records import ReadLimits

    if output_format not in FORMATS:
        raise fail(f"unknown format {output_format!r}; choose from {', '.join(FORMATS)}")
    if engine not in {"auto", "hyperscan", "re"}:
        raise fail(f"unknown engine {engine!r}; choose from auto, hyperscan, re")
    limits = ReadLimits(
        max_bytes_per_item=int(max_mb * 1024 * 1024),
        sample_rows=sample_rows,
        full_scan=full_scan,
    )
    settings = Settings(
        limits=limits,
        backend=engine,
        min_confidence=min_confidence,
        jobs=jobs or max(1, os.cpu_count() or 1),
        s3_endpoint=s3_endpoint,
        s3_region=s3_region,
    )
    key = os.urandom(KEY_BYTES) if no_store else _key(key_file)
    try:
        run = classify_targets(targets, settings, key)
    except EngineError as exc:
        raise fail(str(exc)) from None
    if output_format == "json":
        import orjson

        document = orjson.dumps(run_json(run, targets, settings.jobs), option=orjson.OPT_INDENT_2)
        if output is None:
            typer.echo(document.decode("utf-8"))
        else:
            output.write_bytes(document + b"\n")
    else:
        _print(run, output)
    raise typer.Exit(2 if run.errors else 0)


def _key(path: Path) -> bytes:
    from stackward.dspm.evidence import Fingerprinter, key_from_file

    try:
        key = key_from_file(path)
        Fingerprinter(key)  # refuses a key file that is too short
        return key
    except (OSError, ValueError) as exc:
        raise fail(f"{path}: cannot use as fingerprint key: {exc}") from None


def run_json(run: ClassifyRun, targets: list[str], jobs: int) -> dict[str, Any]:
    from stackward import __version__
    from stackward.dspm.results import item_json
    from stackward.dspm.rollup import rollup

    by_class: dict[str, dict[str, int]] = {}
    for item in run.items:
        for cls, summary in item.classes().items():
            entry = by_class.setdefault(cls, {"items": 0, "count": 0})
            entry["items"] += 1
            entry["count"] += summary.count
    return {
        "stackward_version": __version__,
        "engine": run.engine,
        "jobs": jobs,
        "targets": [_credential_free(t) for t in targets],
        "seconds": round(run.seconds, 3),
        "summary": {
            "items": len(run.items),
            "bytes_read": sum(i.bytes_read for i in run.items),
            "items_with_problems": sum(1 for i in run.items if i.problems),
            "by_class": dict(sorted(by_class.items())),
        },
        "errors": run.errors,
        "groups": [group.to_json() for group in rollup(run.items)],
        "items": [item_json(i) for i in run.items],
    }


def _credential_free(target: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    if "://" not in target:
        return target
    parts = urlsplit(target)
    if parts.password is None:
        return target
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _print(run: ClassifyRun, output: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=output.open("w", encoding="utf-8") if output else None, width=160)
    holding = sum(1 for item in run.items if item.classes())
    table = Table(title=f"{holding} of {len(run.items)} items hold sensitive data", expand=True)
    table.add_column("Item")
    table.add_column("Classes (count, confidence)")
    table.add_column("Where")
    table.add_column("Read", no_wrap=True)
    for item in run.items:
        classes = item.classes()
        if not classes and not item.problems:
            continue
        table.add_row(
            f"{item.location.source} :: {item.location.item}",
            "\n".join(f"{c} ({s.count}, {s.confidence:.2f})" for c, s in classes.items()) or "—",
            "\n".join(", ".join(s.fields) or "text" for s in classes.values())
            or "; ".join(item.problems)[:200],
            item.sampling,
        )
    console.print(table)
    _print_groups(console, run)
    for error in run.errors:
        console.print(f"[bold red]error:[/bold red] {error}", highlight=False)


def _print_groups(console: Console, run: ClassifyRun) -> None:
    """Top-level prefixes and schemas that hold sensitive data, with their classes."""
    from rich.table import Table

    from stackward.dspm.rollup import rollup

    groups = [g for g in rollup(run.items, depth=1) if g.prefix and g.classes]
    if not groups:
        return
    table = Table(title="By prefix / schema", expand=True)
    for column in ("Source", "Prefix", "Items with data", "Classes (count)"):
        table.add_column(column)
    for group in groups:
        table.add_row(
            group.source,
            group.prefix,
            f"{group.items_with_data} of {group.items}",
            ", ".join(f"{c} ({n})" for c, n in sorted(group.classes.items())),
        )
    console.print(table)
