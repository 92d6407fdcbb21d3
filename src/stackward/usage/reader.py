"""Reads the configured access logs into one :class:`UsageAggregate`.

Each configured log (a file or a glob) is read file by file with the parser of its format.
What could not be read is returned as :class:`Skipped` entries: a missing file, a glob that
matches nothing, a bad ``log_line_prefix``, and each file's bad lines (counted, the first few
quoted by line number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stackward.config.schema import UsageLog
from stackward.model import Skipped
from stackward.usage.aggregate import UsageAggregate
from stackward.usage.cloudtrail import read_cloudtrail
from stackward.usage.events import AccessEvent, LogReport
from stackward.usage.k8s_audit import read_k8s_audit
from stackward.usage.pg_prefix import PrefixError
from stackward.usage.postgres import read_csvlog, read_jsonlog, read_stderr
from stackward.usage.s3_access import bucket_of, read_s3_access

COMPONENT = "usage"
MAX_FILES_PER_LOG = 10_000


@dataclass(slots=True)
class LogCoverage:
    """What one configured log covers: its files, the time it spans, the buckets it names."""

    spec: UsageLog
    files: list[str] = field(default_factory=list)
    earliest: dt.datetime | None = None
    buckets: set[str] = field(default_factory=set)

    def began(self, time: dt.datetime | None) -> None:
        if time is not None and (self.earliest is None or time < self.earliest):
            self.earliest = time

    def saw(self, event: AccessEvent) -> None:
        self.began(event.time)
        if event.target.startswith("s3://"):
            self.buckets.add(bucket_of(event.target))


def scope_of(spec: UsageLog) -> str:
    """``format|store``: a log's events are matched by its format within its store."""
    return f"{spec.format}|{spec.store or ''}"


def read_logs(
    specs: list[UsageLog], aggregate: UsageAggregate
) -> tuple[list[LogCoverage], list[Skipped]]:
    coverages: list[LogCoverage] = []
    skipped: list[Skipped] = []
    for spec in specs:
        coverage = LogCoverage(spec)
        paths = _expand(spec.path)
        if not paths:
            skipped.append(Skipped(spec.path, "no log file matches this path", COMPONENT))
            continue
        if len(paths) > MAX_FILES_PER_LOG:
            skipped.append(
                Skipped(
                    spec.path,
                    f"{len(paths)} files; only the first {MAX_FILES_PER_LOG} read",
                    COMPONENT,
                )
            )
            paths = paths[:MAX_FILES_PER_LOG]
        for path in paths:
            problems = LogReport(str(path))
            try:
                for event in _events(path, spec, problems, coverage.buckets):
                    coverage.saw(event)
                    aggregate.add(scope_of(spec), event)
            except PrefixError as exc:
                skipped.append(Skipped(str(path), f"log_line_prefix: {exc}", COMPONENT))
                continue
            except (OSError, EOFError, UnicodeError) as exc:  # unreadable, truncated gzip
                skipped.append(Skipped(str(path), f"log not read to the end: {exc}", COMPONENT))
            coverage.files.append(str(path))
            coverage.began(problems.earliest)
            if problems.count:
                skipped.append(Skipped(str(path), problems.summary(), COMPONENT))
        coverages.append(coverage)
    if aggregate.dropped_pairs:
        skipped.append(
            Skipped("usage", f"{aggregate.dropped_pairs} events beyond the pair limit", COMPONENT)
        )
    return coverages, skipped


def _expand(pattern: str) -> list[Path]:
    path = Path(pattern).expanduser()
    if path.is_file():
        return [path]
    anchor = Path(path.anchor) if path.is_absolute() else Path()
    pattern = str(path.relative_to(path.anchor)) if path.is_absolute() else str(path)
    if not pattern or pattern == ".":
        return []
    return sorted(p for p in anchor.glob(pattern) if p.is_file())


def _events(
    path: Path, spec: UsageLog, problems: LogReport, buckets: set[str]
) -> Iterator[AccessEvent]:
    match spec.format:
        case "postgres":
            return read_stderr(path, problems, spec.log_line_prefix)
        case "pgaudit":
            return read_stderr(path, problems, spec.log_line_prefix, audit_only=True)
        case "postgres_csv":
            return read_csvlog(path, problems)
        case "postgres_json":
            return read_jsonlog(path, problems)
        case "s3_access":
            return read_s3_access(path, problems)
        case "cloudtrail":
            return read_cloudtrail(path, problems, buckets)
        case _:
            return read_k8s_audit(path, problems, spec.store or "")
