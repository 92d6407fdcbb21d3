"""The ``lineage`` collector: OpenLineage event files, the receiver's spool, dbt manifests.

Reads only; what it reads is JSON parsed as data. Each bad event becomes a skipped entry
naming ``file:line`` (the first :data:`MAX_PROBLEMS_PER_FILE` of a file one by one, then a
count), each unreadable file or manifest one naming the file.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from stackward.collectors.base import CollectContext, CollectResult
from stackward.config.schema import LineageSettings
from stackward.lineage.assets import COLLECTOR, to_inventory
from stackward.lineage.dbt import ManifestError, read_manifest
from stackward.lineage.model import LineageModel
from stackward.lineage.openlineage import LineProblem, read_events
from stackward.model import Skipped

MAX_PROBLEMS_PER_FILE = 100
EVENT_SUFFIXES = (".jsonl", ".json")


class LineageCollector:
    name = COLLECTOR

    def collect(self, ctx: CollectContext) -> CollectResult:
        result = CollectResult()
        settings = ctx.config.lineage
        model = LineageModel()
        max_bytes = int(settings.max_event_mb * 1024 * 1024)
        for path in event_files(settings, result):
            read_event_file(path, model, max_bytes, result)
        for source in settings.dbt:
            try:
                read_manifest(source.manifest, source.namespace, model)
            except ManifestError as exc:
                result.skipped.append(Skipped(str(source.manifest), str(exc), COLLECTOR))
        to_inventory(model, result)
        return result


def event_files(settings: LineageSettings, result: CollectResult) -> list[Path]:
    """The configured files, globs and directories, then the receiver spool if present."""
    found: dict[Path, None] = {}
    for pattern in settings.openlineage:
        if glob.has_magic(pattern):
            # glob.glob, not Path.glob: the patterns may be absolute
            matches = sorted(glob.glob(pattern, recursive=True))  # noqa: PTH207
            if not matches:
                result.skipped.append(Skipped(pattern, "the pattern matches no file", COLLECTOR))
        elif Path(pattern).exists():
            matches = [pattern]
        else:
            result.skipped.append(Skipped(pattern, "no such file or directory", COLLECTOR))
            continue
        for match in matches:
            found.update(dict.fromkeys(_event_files_at(Path(match))))
    if settings.receiver_dir.is_dir():
        found.update(dict.fromkeys(sorted(settings.receiver_dir.glob("*.jsonl"))))
    return list(found)


def _event_files_at(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EVENT_SUFFIXES
        )
    elif path.is_file():
        yield path


def read_event_file(path: Path, model: LineageModel, max_bytes: int, result: CollectResult) -> None:
    problems = 0
    try:
        for item in read_events(path, max_bytes):
            if isinstance(item, LineProblem):
                problems += 1
                if problems <= MAX_PROBLEMS_PER_FILE:
                    result.skipped.append(Skipped(item.location, item.reason, COLLECTOR))
                continue
            model.add_event(item)
    except OSError as exc:
        result.skipped.append(Skipped(str(path), f"cannot read: {exc.strerror}", COLLECTOR))
    if problems > MAX_PROBLEMS_PER_FILE:
        result.skipped.append(
            Skipped(
                str(path),
                f"{problems - MAX_PROBLEMS_PER_FILE} more malformed events not listed",
                COLLECTOR,
            )
        )
