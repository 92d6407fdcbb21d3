"""Tar archives, including the legacy PyTorch tar checkpoint, listed without extracting.

``tarfile`` parses the headers over a read-only view of the source; nothing is ever written
to disk. Regular members are windows of the source (no copy) dispatched by content. Links,
devices and names that escape the extraction directory are reported: they matter to
whoever unpacks the archive, even though the scanner itself never does.
"""

from __future__ import annotations

import io
import posixpath
import re
import tarfile
from dataclasses import dataclass

from stackward.artifacts.context import ScanContext
from stackward.artifacts.dispatch import detect
from stackward.artifacts.formats.zip_archive import unsafe_name
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import ByteSource, SliceSource, buffered
from stackward.model import Severity

LEGACY_TORCH_MEMBERS = frozenset({"sys_info", "pickle", "storages", "tensors"})
_TAR_ERRORS = (tarfile.TarError, EOFError, ValueError, UnicodeError, OverflowError)


class _BoundedReader(io.RawIOBase):
    """Seekable reader that refuses any single read larger than ``max_read``.

    ``tarfile`` reads pax and GNU long-name headers into memory in one call; a header that
    claims gigabytes would otherwise be read whole.
    """

    def __init__(self, source: ByteSource, max_read: int) -> None:
        super().__init__()
        self._inner = buffered(source)
        self._max = max_read

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self._max:
            raise tarfile.ReadError(f"refusing a {size}-byte header read")
        return self._inner.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()


@dataclass(slots=True)
class _Listing:
    members: list[tarfile.TarInfo]
    problem: str = ""
    end: int = 0
    """Where the last readable member ends; non-zero bytes after it are a broken header."""


def _list_members(source: ByteSource, ctx: ScanContext) -> _Listing:
    listing = _Listing([])
    reader = _BoundedReader(source, ctx.limits.max_in_memory)
    try:
        archive = tarfile.open(fileobj=reader, mode="r:")  # noqa: SIM115
    except _TAR_ERRORS as exc:
        listing.problem = f"not a readable tar archive ({exc})"
        return listing
    try:
        while True:
            ctx.check_time()
            if len(listing.members) >= ctx.limits.max_members:
                listing.problem = f"more than {ctx.limits.max_members} members; rest not listed"
                break
            try:
                member = archive.next()
            except _TAR_ERRORS as exc:
                listing.problem = (
                    f"archive is truncated or corrupt after {archive.offset} bytes ({exc})"
                )
                break
            if member is None:
                break
            listing.members.append(member)
        listing.end = archive.offset
    finally:
        archive.close()
    return listing


def _link_escapes(member: tarfile.TarInfo) -> bool:
    """Symlinks resolve from the link's directory, hardlinks from the archive root."""
    target = member.linkname
    if target.startswith(("/", "\\")) or "\\" in target or re.match(r"^[A-Za-z]:", target):
        return True
    base = posixpath.dirname(member.name) if member.issym() else ""
    resolved = posixpath.normpath(posixpath.join(base, target))
    return resolved == ".." or resolved.startswith(("../", "/"))


def _check_member(member: tarfile.TarInfo, mctx: ScanContext) -> None:
    if unsafe_name(member.name):
        mctx.issue(
            IssueKind.ARCHIVE_HAZARD,
            Severity.HIGH,
            f"member name {member.name!r} escapes the extraction directory",
            symbol="path traversal",
        )
    if member.issym() or member.islnk():
        kind = "symlink" if member.issym() else "hardlink"
        escapes = _link_escapes(member)
        where = "outside the archive" if escapes else "inside the archive"
        mctx.issue(
            IssueKind.ARCHIVE_HAZARD,
            Severity.HIGH if escapes else Severity.MEDIUM,
            f"{kind} to {member.linkname!r} points {where}; extraction follows it",
            symbol=kind,
        )
    elif member.isdev():
        mctx.issue(
            IssueKind.ARCHIVE_HAZARD,
            Severity.MEDIUM,
            "device or FIFO member; extraction as root creates a special file",
            symbol="device member",
        )


def scan_tar(source: ByteSource, ctx: ScanContext) -> None:
    """List members with ``tarfile`` (headers only) and scan regular members by content."""
    listing = _list_members(source, ctx)
    if listing.problem:
        severity = Severity.MEDIUM if listing.problem.startswith("more than") else Severity.LOW
        kind = IssueKind.UNSCANNABLE if severity is Severity.MEDIUM else IssueKind.MALFORMED
        ctx.issue(kind, severity, listing.problem, symbol="tar listing")
    elif listing.end and source.read_at(listing.end, 512).strip(b"\x00"):
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.LOW,
            f"unreadable data after {listing.end} bytes (truncated or corrupt member header)",
            symbol="tar listing",
        )
    names = frozenset(m.name for m in listing.members)
    container = "pytorch-tar" if {"pickle", "storages"} <= names else "tar"
    if ctx.depth == 0:
        ctx.report.properties["tar_members"] = len(listing.members)
        ctx.report.properties["tar_kind"] = container
    for member in listing.members:
        ctx.check_time()
        mctx = ctx.child(member.name, container, names)
        _check_member(member, mctx)
        if not member.isreg():
            ctx.note_member(member.name, "link" if member.issym() or member.islnk() else "special",
                            None, scanned=False)  # fmt: skip
            continue
        if member.offset_data + member.size > source.size:
            mctx.issue(IssueKind.MALFORMED, Severity.LOW,
                       f"member data runs past the end of the archive ({member.size} bytes claimed)",
                       symbol="truncated member")  # fmt: skip
        content = SliceSource(
            source, member.offset_data, member.size, f"{source.name}!{member.name}"
        )
        ctx.note_member(member.name, detect(content) or "unknown", content.size)
        ctx.scan_member(member.name, content, container, names)
