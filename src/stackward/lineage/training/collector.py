"""The ``training`` collector: lineage from training metadata on disk.

Each configured path is an MLflow file store, a SageMaker describe JSON file, or a directory
holding either (searched a few levels deep, links not followed). Nothing is written to the
sources and nothing in them is executed or unpickled.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.walk import FileEntry
from stackward.config.schema import ScanConfig, TrainingSources
from stackward.lineage.training.builder import COLLECTOR, TrainingLineage
from stackward.lineage.training.mlflow_store import is_mlflow_store, read_mlflow_store
from stackward.lineage.training.sagemaker import (
    DESCRIBE_KEYS,
    SageMakerDocuments,
    build_sagemaker,
)

MAX_DEPTH = 6
MAX_FILES = 10_000
"""JSON files looked at under one configured directory."""


def training_sources(config: ScanConfig) -> TrainingSources:
    """Where the training metadata is configured (``lineage.training``)."""
    return config.lineage.training


class TrainingCollector:
    name = COLLECTOR

    def collect(self, ctx: CollectContext) -> CollectResult:
        sources = training_sources(ctx.config)
        lineage = TrainingLineage()
        read_training_paths(sources.paths, lineage, sources.max_file_bytes, ctx.files)
        return CollectResult(
            assets=list(lineage.assets.values()),
            relations=lineage.relations,
            skipped=lineage.skipped,
        )


def read_training_paths(
    paths: Sequence[Path],
    lineage: TrainingLineage,
    max_bytes: int,
    walked: Sequence[FileEntry] = (),
) -> None:
    """Read the configured ``paths``, then the MLflow stores and SageMaker describe files
    among the ``walked`` files of ``sources.paths`` that the configured paths do not cover.
    Walked JSON that is not describe output is left to the files collector, unreported."""
    documents = SageMakerDocuments()
    for path in paths:
        if path.is_dir():
            _read_directory(path, documents, lineage, max_bytes)
        elif path.is_file():
            _read_json(path, documents, lineage, max_bytes)
        else:
            lineage.skip(str(path), "training source does not exist")
    configured = [p.resolve() for p in paths]
    for root in _walked_stores(walked, configured):
        read_mlflow_store(root, lineage)
    for entry in walked:
        suitable = entry.path.suffix == ".json" and entry.size <= max_bytes
        if suitable and not _covered(entry.path, configured):
            _read_json(entry.path, documents, lineage, max_bytes, quiet=True)
    build_sagemaker(documents, lineage)


def _covered(path: Path, configured: Sequence[Path]) -> bool:
    return any(path == c or path.is_relative_to(c) for c in configured)


def _walked_stores(walked: Sequence[FileEntry], configured: Sequence[Path]) -> list[Path]:
    """Store roots seen in the walk: two or three levels above an experiment or run
    ``meta.yaml``, each tested once."""
    tested: dict[Path, bool] = {}
    for entry in walked:
        if entry.path.name != "meta.yaml":
            continue
        for candidate in entry.path.parents[1:3]:
            if candidate not in tested:
                tested[candidate] = not _covered(candidate, configured) and is_mlflow_store(
                    candidate
                )
    stores = sorted(p for p, found in tested.items() if found)
    return [p for p in stores if not any(p != q and p.is_relative_to(q) for q in stores)]


def _read_directory(
    root: Path, documents: SageMakerDocuments, lineage: TrainingLineage, max_bytes: int
) -> None:
    pending: list[tuple[Path, int]] = [(root, 0)]
    seen_files = 0
    while pending:
        folder, depth = pending.pop()
        if is_mlflow_store(folder):
            read_mlflow_store(folder, lineage)
            continue
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            lineage.skip(str(folder), f"cannot list directory: {exc.strerror or exc}")
            continue
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if depth + 1 > MAX_DEPTH:
                    lineage.skip(entry.path, f"deeper than {MAX_DEPTH} levels; not searched")
                else:
                    pending.append((Path(entry.path), depth + 1))
            elif entry.name.endswith(".json") and entry.is_file():
                seen_files += 1
                if seen_files > MAX_FILES:
                    lineage.skip(str(root), f"more than {MAX_FILES} JSON files; the rest not read")
                    return
                _read_json(Path(entry.path), documents, lineage, max_bytes)


def _read_json(
    path: Path,
    documents: SageMakerDocuments,
    lineage: TrainingLineage,
    max_bytes: int,
    quiet: bool = False,
) -> None:
    """Add the describe document in ``path``; with ``quiet`` a file that is not one (or not
    JSON) is passed over without a report, as it came from the general walk."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        lineage.skip(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if len(raw) > max_bytes:
        lineage.skip(str(path), f"larger than {max_bytes} bytes; not parsed")
        return
    if quiet and not any(key.encode() in raw for key in DESCRIBE_KEYS):
        return
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        if not quiet:
            lineage.skip(str(path), f"not valid JSON: {type(exc).__name__}")
        return
    if not documents.add(str(path), document) and not quiet:
        lineage.skip(
            str(path),
            "not a SageMaker describe output (no TrainingJobArn, ModelArn,"
            " EndpointConfigArn or EndpointArn)",
        )
