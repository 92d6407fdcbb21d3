"""Classify items: readers' content in, results out, in parallel over files.

Local files are spread over worker processes (each compiles its own engine once); object
stores and databases are read in the calling process, since they wait on the network
rather than the CPU. A source that cannot be reached at all is an error of the run that
names it; everything else (a bad file, a table without permission) is a problem on its item
and the run goes on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from stackward.dspm.detector import Hit
from stackward.dspm.engine import CandidateEngine, build_engine
from stackward.dspm.evidence import Fingerprinter, pii_shape, secret_shape
from stackward.dspm.fields import classify_field
from stackward.dspm.records import ItemContent, Location, ReadLimits
from stackward.dspm.results import FieldFinding, ItemResult, OccurrenceFinding
from stackward.dspm.text import classify_text

DEFAULT_MIN_CONFIDENCE = 0.5
SECRET_PREFIX = "secret."  # noqa: S105 - a class-id prefix


@dataclass(frozen=True, slots=True)
class Settings:
    limits: ReadLimits = field(default_factory=ReadLimits)
    backend: str = "auto"
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    jobs: int = 1
    s3_endpoint: str | None = None
    s3_region: str | None = None
    exclude: tuple[str, ...] = ()


@dataclass(slots=True)
class ClassifyRun:
    engine: str
    items: list[ItemResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Sources that could not be read at all (unreachable bucket, refused connection)."""
    seconds: float = 0.0


class Classifier:
    """One engine and one fingerprint key; turns ItemContent into ItemResult."""

    def __init__(self, engine: CandidateEngine, fingerprint: Fingerprinter, min_confidence: float):
        self.engine = engine
        self.fingerprint = fingerprint
        self.min_confidence = min_confidence

    def classify(self, content: ItemContent) -> ItemResult:
        result = ItemResult.empty(content)
        for unit in content.texts:
            text_line = 0
            offset = 0
            for hit in classify_text(unit.text, self.engine):
                text_line += unit.text.count("\n", offset, hit.start)
                offset = hit.start
                line = unit.item_line(text_line)
                if hit.confidence >= self.min_confidence:
                    result.occurrences.append(self._occurrence(hit, unit.location.field, line))
        for sample in content.fields:
            found = classify_field(sample, self.engine)
            name = sample.location.field or sample.name
            for verdict in found.verdicts:
                if verdict.confidence < self.min_confidence:
                    continue
                result.fields.append(
                    FieldFinding(
                        name,
                        verdict.data_class,
                        verdict.confidence,
                        verdict.matched,
                        verdict.checked,
                        sample.rows_read,
                        sample.rows_total,
                        verdict.reasons,
                    )
                )
            for occurrence in found.occurrences:
                if occurrence.hit.confidence >= self.min_confidence:
                    result.occurrences.append(
                        self._occurrence(occurrence.hit, name, occurrence.line)
                    )
        return result

    def _occurrence(self, hit: Hit, field_name: str | None, line: int | None) -> OccurrenceFinding:
        secret = hit.data_class.startswith(SECRET_PREFIX)
        return OccurrenceFinding(
            data_class=hit.data_class,
            detector=hit.detector,
            field=field_name,
            line=line,
            confidence=hit.confidence,
            fingerprint=self.fingerprint(hit.value),
            shape=secret_shape(hit.value) if secret else pii_shape(hit.value),
            reasons=hit.explanation,
        )


# --- worker processes ----------------------------------------------------------------------

_WORKER: Classifier | None = None
_WORKER_LIMITS = ReadLimits()


def _start_worker(backend: str, key: bytes, min_confidence: float, limits: ReadLimits) -> None:
    global _WORKER, _WORKER_LIMITS
    from stackward.dspm.detectors import all_detectors

    _WORKER = Classifier(build_engine(all_detectors(), backend), Fingerprinter(key), min_confidence)
    _WORKER_LIMITS = limits


def _classify_file(task: tuple[Path, Location]) -> list[ItemResult]:
    from stackward.dspm.readers.files import read_file

    if _WORKER is None:
        raise RuntimeError("worker not started")
    path, location = task
    try:
        contents = read_file(path, location, _WORKER_LIMITS)
    except Exception as exc:  # a reader bug must not lose the file or the run
        contents = [ItemContent(location, "unreadable", problems=[f"{location.item}: {exc!r}"])]
    results = []
    for content in contents:
        try:
            results.append(_WORKER.classify(content))
        except Exception as exc:  # a classifier bug must not lose the item or the run
            failed = ItemResult.empty(content)
            failed.problems.append(f"{content.location.item}: classification failed: {exc!r}")
            results.append(failed)
    return results


def classify_files(
    tasks: Sequence[tuple[Path, Location]], settings: Settings, key: bytes
) -> Iterator[ItemResult]:
    """Every file's results, in the order of ``tasks``."""
    if settings.jobs <= 1 or len(tasks) < 2:
        _start_worker(settings.backend, key, settings.min_confidence, settings.limits)
        for task in tasks:
            yield from _classify_file(task)
        return
    done: dict[int, list[ItemResult]] = {}
    with ProcessPoolExecutor(
        max_workers=settings.jobs,
        initializer=_start_worker,
        initargs=(settings.backend, key, settings.min_confidence, settings.limits),
    ) as pool:
        futures = [pool.submit(_classify_batch, b) for b in batches(tasks, settings.jobs)]
        for future in futures:
            done.update(future.result())
    for index in range(len(tasks)):
        yield from done.get(index, [])


BATCH_MAX_FILES = 64
BATCH_MIN_BYTES = 256 * 1024


def batches(
    tasks: Sequence[tuple[Path, Location]], jobs: int
) -> list[list[tuple[int, Path, Location]]]:
    """Files grouped for the workers, largest first, so that no big file starts last and
    leaves the other workers idle; small files travel together (one message per group)."""
    sizes = [_size(path) for path, _ in tasks]
    budget = max(BATCH_MIN_BYTES, sum(sizes) // max(1, jobs * 16))
    grouped: list[list[tuple[int, Path, Location]]] = []
    current: list[tuple[int, Path, Location]] = []
    current_bytes = 0
    for index in sorted(range(len(tasks)), key=lambda i: -sizes[i]):
        if current and (current_bytes + sizes[index] > budget or len(current) >= BATCH_MAX_FILES):
            grouped.append(current)
            current, current_bytes = [], 0
        current.append((index, *tasks[index]))
        current_bytes += sizes[index]
    if current:
        grouped.append(current)
    return grouped


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0  # the reader reports the problem


def _classify_batch(batch: list[tuple[int, Path, Location]]) -> dict[int, list[ItemResult]]:
    return {index: _classify_file((path, location)) for index, path, location in batch}


def classify_contents(
    contents: Iterable[ItemContent], classifier: Classifier
) -> Iterator[ItemResult]:
    for content in contents:
        try:
            yield classifier.classify(content)
        except Exception as exc:  # a classifier bug must not lose the item or the run
            failed = ItemResult.empty(content)
            failed.problems.append(f"{content.location.item}: classification failed: {exc!r}")
            yield failed


def is_database(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def classify_targets(targets: Sequence[str], settings: Settings, key: bytes) -> ClassifyRun:
    """Local paths, ``s3://bucket/prefix`` URIs and ``postgresql://`` DSNs, in that order."""
    from stackward.dspm.detectors import all_detectors

    started = time.perf_counter()
    engine = build_engine(all_detectors(), settings.backend)
    run = ClassifyRun(engine=engine.name)
    local = [t for t in targets if not t.startswith("s3://") and not is_database(t)]
    tasks = _file_tasks(local, settings, run)
    run.items.extend(classify_files(tasks, settings, key))
    classifier = Classifier(engine, Fingerprinter(key), settings.min_confidence)
    for target in targets:
        if target.startswith("s3://"):
            run.items.extend(_remote(target, settings, classifier, run, bucket=True))
        elif is_database(target):
            run.items.extend(_remote(target, settings, classifier, run, bucket=False))
    run.seconds = time.perf_counter() - started
    return run


def _file_tasks(
    roots: Sequence[str], settings: Settings, run: ClassifyRun
) -> list[tuple[Path, Location]]:
    from stackward.dspm.readers.files import walk_files

    tasks: list[tuple[Path, Location]] = []
    for root in roots:
        path = Path(root)
        if not path.exists():
            run.errors.append(f"{root}: no such file or directory")
            continue
        tasks.extend(walk_files(path, settings.limits, settings.exclude))
    return tasks


def _remote(
    target: str, settings: Settings, classifier: Classifier, run: ClassifyRun, *, bucket: bool
) -> list[ItemResult]:
    try:
        if bucket:
            from stackward.dspm.readers.objectstore import read_bucket

            contents: Iterable[ItemContent] = read_bucket(
                target,
                settings.limits,
                endpoint_url=settings.s3_endpoint,
                region=settings.s3_region,
            )
        else:
            from stackward.dspm.readers.postgres import read_database

            contents = read_database(target, settings.limits)
        return list(classify_contents(contents, classifier))
    except Exception as exc:  # DataSourceError and client errors: the source, not the run
        run.errors.append(str(exc))
        return []
