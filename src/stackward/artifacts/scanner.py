"""Scan one model artifact: hash it, detect its format, run the format scanners."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from stackward.artifacts.context import ScanContext
from stackward.artifacts.dispatch import scan_source
from stackward.artifacts.issues import ArtifactReport, IssueKind
from stackward.artifacts.limits import ScanLimits
from stackward.artifacts.source import ByteSource, FileSource, SourceError, iter_chunks
from stackward.model import Severity

BACKGROUND_HASH_BYTES = 64 * 1024 * 1024
"""Local files at least this large are hashed on a second thread while the format scanners
run, so a multi-GB checkpoint costs max(hash, scan) instead of hash + scan."""


def sha256_of(source: ByteSource) -> str:
    if isinstance(source, FileSource):
        return source.sha256()
    digest = hashlib.sha256()
    for block in iter_chunks(source):
        digest.update(block)
    return digest.hexdigest()


class _BackgroundHash:
    """SHA-256 of a local file computed on a daemon thread (positional reads are thread-safe)."""

    def __init__(self, source: FileSource) -> None:
        self._source = source
        self._digest: str | None = None
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._digest = self._source.sha256()
        except OSError as exc:
            self._error = exc

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._digest is None:
            raise SourceError(f"{self._source.name}: hashing stopped without a result")
        return self._digest


def scan_artifact(
    source: ByteSource,
    *,
    limits: ScanLimits | None = None,
    allow_globals: tuple[str, ...] = (),
    base_dir: Path | None = None,
    compute_hash: bool = True,
) -> ArtifactReport:
    """Scan ``source`` without ever loading, importing or executing what it contains."""
    report = ArtifactReport(location=source.name, size=source.size)
    background = (
        _BackgroundHash(source)
        if compute_hash and isinstance(source, FileSource) and source.size >= BACKGROUND_HASH_BYTES
        else None
    )
    ctx = ScanContext.start(report, limits, allow_globals, base_dir)
    if compute_hash and background is None:
        try:
            report.sha256 = sha256_of(source)
        except (SourceError, OSError) as exc:
            ctx.unscannable(f"cannot hash: {exc}", severity=Severity.MEDIUM)
            return report
    fmt = scan_source(source, ctx)
    if background is not None:
        try:
            report.sha256 = background.result()
        except OSError as exc:
            ctx.unscannable(f"cannot hash: {exc}", severity=Severity.MEDIUM)
    if fmt is None and not report.issues:
        ctx.issue(
            IssueKind.UNSCANNABLE,
            Severity.LOW,
            "content matches no model format the scanner knows; nothing in it was analysed",
            symbol="unknown format",
        )
    return report


def scan_path(
    path: Path,
    *,
    limits: ScanLimits | None = None,
    allow_globals: tuple[str, ...] = (),
    compute_hash: bool = True,
    name: str | None = None,
) -> ArtifactReport:
    """Scan a local file. An unreadable file gives a report with one unscannable issue."""
    try:
        source = FileSource(path, name=name)
    except SourceError as exc:
        report = ArtifactReport(location=name or str(path), size=0)
        ScanContext.start(report, limits).unscannable(str(exc), severity=Severity.MEDIUM)
        return report
    try:
        return scan_artifact(
            source,
            limits=limits,
            allow_globals=allow_globals,
            base_dir=path.parent,
            compute_hash=compute_hash,
        )
    finally:
        source.close()
