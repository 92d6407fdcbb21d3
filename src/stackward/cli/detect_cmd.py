"""``stackward detect``: AI attacks found in logs, replayed or followed, delivered as OCSF."""

from __future__ import annotations

import gc
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stackward.cli.common import err_console, fail, resolve_config
from stackward.cli.exit_codes import OK, PARTIAL_SCAN

if TYPE_CHECKING:
    from stackward.detect.config import DetectConfig, SinkConfig, SourceConfig
    from stackward.detect.pipeline import DetectSummary

MAX_REPLAY_FILES = 100_000
"""Files one replay reads at most from the directories it is given."""


def detect(
    logs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Log files or directories to replay ('-' for standard input); replaces"
            " detect.sources of the config.",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Path to stackward.yaml.")
    ] = None,
    log_format: Annotated[
        str, typer.Option("--format", help="Parser for the LOGS given here (default: recognise).")
    ] = "auto",
    follow: Annotated[
        bool, typer.Option(help="Keep reading: follow files, run the configured receivers.")
    ] = False,
    jsonl: Annotated[
        Path | None, typer.Option(help="Also write alerts to this file (OCSF JSON Lines).")
    ] = None,
    rules: Annotated[
        list[Path] | None, typer.Option("--rules", help="Extra Sigma rule file or directory.")
    ] = None,
    builtin_rules: Annotated[bool, typer.Option(help="Run the built-in AI rule pack.")] = True,
    state_dir: Annotated[
        Path | None,
        typer.Option(help="Checkpoints and the alert journal (default: detect.state_dir)."),
    ] = None,
    start_over: Annotated[
        bool,
        typer.Option(help="Ignore the last checkpoint and read every source from the start."),
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Scan store: inventory for enrichment, alerts kept there."),
    ] = None,
    insecure_no_auth: Annotated[
        bool, typer.Option(help="Let the HTTP receiver accept events without a token (loopback).")
    ] = False,
) -> None:
    """Find AI attacks in logs and deliver alerts (OCSF Detection Findings) to the sinks."""
    from stackward.detect.build import BuildError
    from stackward.detect.checkpoint import CheckpointError
    from stackward.detect.journal import JournalError

    scan_config = resolve_config([], config, store)
    settings = scan_config.detect
    overrides: dict[str, object] = {}
    if rules:
        overrides["rules"] = [*settings.rules, *rules]
    if not builtin_rules:
        overrides["builtin_rules"] = False
    if state_dir is not None:
        overrides["state_dir"] = state_dir
    if logs:
        overrides["sources"] = list(_replay_sources(logs, log_format, follow))
    settings = settings.model_copy(update=overrides)
    if not settings.sources:
        raise fail("no logs to read: give log files or directories, or set detect.sources")
    try:
        summary = _run(
            settings, scan_config.store.path, jsonl, follow, start_over, insecure_no_auth
        )
    except (BuildError, CheckpointError, JournalError) as exc:
        hint = " (--start-over discards the checkpoint)" if isinstance(exc, CheckpointError) else ""
        raise fail(f"{exc}{hint}") from None
    _print_summary(summary)
    problems = (
        summary.parse_problems
        or summary.source_problems
        or summary.undelivered
        or summary.detector_failures
    )
    raise typer.Exit(PARTIAL_SCAN if problems else OK)


def _replay_sources(logs: list[Path], log_format: str, follow: bool) -> Iterator[SourceConfig]:
    from stackward.detect.config import FileSource, StdinSource

    for path in logs:
        if str(path) == "-":
            yield StdinSource(format=log_format)
        elif path.is_dir() and follow:
            yield FileSource(path=str(path / "*"), format=log_format)
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())[
                :MAX_REPLAY_FILES
            ]
            for file in files:
                yield FileSource(path=_literal(file), format=log_format)
        elif path.exists():
            yield FileSource(path=_literal(path), format=log_format)
        else:
            raise fail(f"{path}: no such file or directory")


def _literal(path: Path) -> str:
    """The path as a glob that matches only itself (wildcard characters escaped)."""
    import glob

    return glob.escape(str(path))


def _run(
    settings: DetectConfig,
    store_path: Path,
    jsonl: Path | None,
    follow: bool,
    start_over: bool,
    insecure_no_auth: bool,
) -> DetectSummary:
    from stackward.detect.build import build_detectors, build_sinks, default_sinks
    from stackward.detect.config import JsonlSink
    from stackward.detect.enrich import Enricher
    from stackward.detect.grouping import AlertGrouper
    from stackward.detect.parsers import parse_record
    from stackward.detect.pipeline import Pipeline
    from stackward.detect.sources import build_source

    built = build_detectors(settings)
    for problem in built.problems:
        err_console().print(f"[yellow]rule not loaded:[/yellow] {problem}", highlight=False)
    extra: list[SinkConfig] = [JsonlSink(path=jsonl)] if jsonl is not None else []
    sinks = build_sinks(default_sinks(settings.sinks, extra), store_path)
    enricher = Enricher(store_path if store_path.is_file() else None)
    sources = [
        build_source(
            entry,
            max_queue=settings.max_queue,
            insecure_no_auth=insecure_no_auth,
            spool_dir=settings.state_dir / "spool",
        )
        for entry in settings.sources
    ]
    pipeline = Pipeline(
        sources,
        parse_record,
        built.detectors,
        sinks,
        settings.state_dir,
        grouper=AlertGrouper(settings.dedup_seconds),
        checkpoint_every_events=settings.checkpoint_events,
        checkpoint_every_seconds=settings.checkpoint_seconds,
        max_queue=settings.max_queue,
        enrich=enricher.enrich,
        start_over=start_over,
    )
    err_console().print(
        f"detect: {len(sources)} source(s), {built.rule_count} rule(s),"
        f" {len(built.detectors)} detector(s), alerts to {', '.join(s.name for s in sinks)}",
        highlight=False,
        soft_wrap=True,
    )
    if follow:
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda _signum, _frame: pipeline.stop())
    # Rules, classifier and parsers live as long as the run: out of the garbage collector's
    # view, its full collections no longer walk them while events stream through.
    gc.collect()
    gc.freeze()
    return pipeline.run(follow=follow)


def _print_summary(summary: DetectSummary) -> None:
    from rich.table import Table

    console = err_console()
    console.print(
        f"{summary.records} record(s), {summary.events} event(s),"
        f" {summary.alerts} alert(s) delivered, {summary.parse_problems} record(s) not parsed",
        highlight=False,
    )
    if summary.alerts_by_rule:
        table = Table("rule", "alerts", title="alerts by rule")
        for rule, count in sorted(summary.alerts_by_rule.items()):
            table.add_row(rule, str(count))
        console.print(table)
    for example in summary.problem_examples:
        console.print(f"[yellow]not parsed:[/yellow] {example}", highlight=False, soft_wrap=True)
    for problem in summary.source_problems:
        console.print(f"[yellow]problem:[/yellow] {problem}", highlight=False, soft_wrap=True)
    if summary.detector_failures:
        console.print(
            f"[red]{summary.detector_failures} time(s) a detector failed; the other detectors"
            " and the rest of the stream were still processed[/red]",
            highlight=False,
        )
    for example in summary.detector_failure_examples:
        console.print(f"[red]detector failed:[/red] {example}", highlight=False, soft_wrap=True)
    if summary.undelivered:
        console.print(
            f"[red]{summary.undelivered} alert(s) not delivered to every sink;"
            " they are delivered at the next start[/red]",
            highlight=False,
        )
    if summary.dropped:
        console.print(f"[red]{summary.dropped} record(s) dropped by receivers[/red]")
