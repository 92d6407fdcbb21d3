"""7z archives, decompressed by ``py7zr`` into bounded in-memory (then temporary-file) buffers.

``py7zr`` is imported only when a 7z archive is met, so an environment without it loses
only this format. Sizes are checked against the header before anything is decompressed,
and the writers meter every byte, so a 7z bomb stops at the ratio limit.
"""

from __future__ import annotations

import importlib
import tempfile
from types import ModuleType
from typing import Any

from stackward.artifacts.context import BudgetExceeded, ScanContext
from stackward.artifacts.dispatch import detect
from stackward.artifacts.formats.zip_archive import unsafe_name
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import CHUNK, ByteSource, SourceError, buffered
from stackward.model import Severity

_IN_MEMORY = 64 * CHUNK


class SevenZipBomb(Exception):
    """Raised from a writer to abort extraction once output passes the bomb bounds."""


class _Meter:
    """Output accounting shared by all writers of one archive."""

    def __init__(self, ctx: ScanContext, compressed: int) -> None:
        self.ctx = ctx
        self.compressed = max(compressed, 1)
        self.produced = 0

    def charge(self, count: int) -> None:
        self.ctx.check_time()
        self.ctx.charge_expanded(count)
        self.produced += count
        limits = self.ctx.limits
        if (
            self.produced > limits.ratio_floor
            and self.produced > limits.max_ratio * self.compressed
        ):
            raise SevenZipBomb(f"expanded to {self.produced} bytes from {self.compressed}")


class SpoolSource:
    """A member's decompressed bytes as a :class:`ByteSource`."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._spool = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115
        self._size = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def size(self) -> int:
        return self._size

    def append(self, data: bytes) -> None:
        self._spool.seek(self._size)
        self._spool.write(data)
        self._size += len(data)

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise SourceError(f"{self._name}: negative read ({offset}, {length})")
        self._spool.seek(offset)
        return self._spool.read(length)

    def close(self) -> None:
        self._spool.close()


def _writer_classes(py7zr_io: ModuleType, meter: _Meter, outer: str) -> Any:
    """A ``py7zr`` writer factory whose writers meter and spool what they receive."""

    class _Writer(py7zr_io.Py7zIO):  # type: ignore[name-defined,misc]
        def __init__(self, filename: str) -> None:
            self.spool = SpoolSource(f"{outer}!{filename}")

        def write(self, s: bytes | bytearray) -> int:
            meter.charge(len(s))
            self.spool.append(bytes(s))
            return len(s)

        def read(self, size: int | None = None) -> bytes:
            return b""

        def seek(self, offset: int, whence: int = 0) -> int:
            return 0

        def flush(self) -> None:
            return None

        def size(self) -> int:
            return self.spool.size

    class _Factory(py7zr_io.WriterFactory):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            self.products: dict[str, _Writer] = {}

        def create(self, filename: str) -> _Writer:
            writer = _Writer(filename)
            self.products[filename] = writer
            return writer

    return _Factory()


def _import_py7zr() -> ModuleType | None:
    try:
        return importlib.import_module("py7zr")
    except ImportError:
        return None


def _unreadable(exc: Exception) -> str:
    return f"unreadable 7z archive ({type(exc).__name__}: {str(exc)[:200]})"


def _hazard(ctx: ScanContext, severity: Severity, symbol: str, reason: str) -> None:
    ctx.issue(IssueKind.ARCHIVE_HAZARD, severity, reason, symbol=symbol)


def scan_7z(source: ByteSource, ctx: ScanContext) -> None:
    """Check the 7z listing, decompress safe-named members with bounds, scan them by content."""
    py7zr = _import_py7zr()
    if py7zr is None:
        ctx.unscannable(
            f"{source.name}: 7z content not scanned: py7zr is not installed",
            symbol="py7zr missing",
            severity=Severity.MEDIUM,
        )
        return
    try:
        archive = py7zr.SevenZipFile(
            buffered(source), mode="r", max_extract_size=ctx.limits.max_expanded_bytes
        )
    except py7zr.exceptions.PasswordRequired:
        ctx.unscannable(
            "7z archive has an encrypted header; its members cannot be listed or read",
            symbol="encrypted archive",
            severity=Severity.MEDIUM,
        )
        return
    except Exception as exc:  # py7zr raises anything on hostile headers
        ctx.issue(IssueKind.MALFORMED, Severity.LOW, _unreadable(exc), symbol="7z")
        return
    try:
        _scan_open_archive(archive, py7zr, source, ctx)
    finally:
        archive.close()


def _scan_open_archive(
    archive: Any, py7zr: ModuleType, source: ByteSource, ctx: ScanContext
) -> None:
    try:
        infos = archive.list()
    except Exception as exc:  # listing converts hostile timestamps and attributes
        ctx.issue(IssueKind.MALFORMED, Severity.LOW, _unreadable(exc), symbol="7z")
        return
    if len(infos) > ctx.limits.max_members:
        ctx.unscannable(
            f"more than {ctx.limits.max_members} members; the rest were not scanned",
            symbol="member limit",
            severity=Severity.MEDIUM,
        )
        infos = infos[: ctx.limits.max_members]
    names = frozenset(str(info.filename) for info in infos)
    targets: list[str] = []
    claimed = 0
    for info in infos:
        name = str(info.filename)
        mctx = ctx.child(name, "7z", names)
        if unsafe_name(name):
            _hazard(mctx, Severity.HIGH, "path traversal",
                    f"member name {name!r} escapes the extraction directory")  # fmt: skip
            ctx.note_member(name, "unsafe-name", info.uncompressed, scanned=False)
            continue
        if info.is_symlink:
            _hazard(mctx, Severity.MEDIUM, "symlink",
                    "symlink member; extraction creates a link that may point anywhere")  # fmt: skip
        if info.is_directory:
            continue
        claimed += int(info.uncompressed or 0)
        targets.append(name)
    limits = ctx.limits
    if claimed > limits.ratio_floor and claimed > limits.max_ratio * max(source.size, 1):
        _hazard(ctx, Severity.HIGH, "decompression bomb",
                f"7z header claims {claimed} bytes from a {source.size}-byte archive;"
                " not decompressed")  # fmt: skip
        return
    if not targets:
        return
    meter = _Meter(ctx, source.size)
    factory = _writer_classes(importlib.import_module("py7zr.io"), meter, source.name)
    try:
        if _extract(archive, py7zr, targets, factory, ctx):
            for filename, writer in factory.products.items():
                content: SpoolSource = writer.spool
                ctx.note_member(filename, detect(content) or "unknown", content.size)
                ctx.scan_member(filename, content, "7z", names)
    finally:
        for writer in factory.products.values():
            writer.spool.close()


def _extract(
    archive: Any,
    py7zr: ModuleType,
    targets: list[str],
    factory: Any,
    ctx: ScanContext,
) -> bool:
    """Decompress ``targets`` into the factory's writers; whether what was read is scannable."""
    try:
        archive.extract(targets=targets, factory=factory)
    except py7zr.exceptions.PasswordRequired:
        ctx.unscannable("7z members are encrypted and cannot be read", symbol="encrypted archive",
                        severity=Severity.MEDIUM)  # fmt: skip
        return False
    except SevenZipBomb as exc:
        _hazard(ctx, Severity.HIGH, "decompression bomb",
                f"7z content {exc}, past {ctx.limits.max_ratio}x; decompression stopped")  # fmt: skip
        return False
    except BudgetExceeded:
        raise
    except Exception as exc:  # corrupt streams surface as any exception type
        ctx.issue(IssueKind.MALFORMED, Severity.LOW,
                  f"7z archive could not be fully decompressed ({type(exc).__name__}: {exc});"
                  " scanning what was read", symbol="7z data")  # fmt: skip
    return True
