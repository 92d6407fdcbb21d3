"""Zip archives (PyTorch checkpoints, Keras v3 files, ``.npz``), read by a tolerant reader.

``zipfile`` refuses exactly the archives attackers build (bad CRCs, names that differ
between the local header and the central directory, odd flag bits) while PyTorch's own
reader accepts many of them, so this module parses the format itself: the end record
(and zip64), the central directory, every local header, plus a sequential walk of the
local headers to find members the directory does not list. Members are decompressed as
metered streams and scanned by content. Raw PyTorch tensor storage is listed, not read.
"""

from __future__ import annotations

import bz2
import io
import lzma
import re
import struct
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from stackward.artifacts.context import ScanContext
from stackward.artifacts.dispatch import detect
from stackward.artifacts.formats.compressed import (
    DECODE_ERRORS,
    DecodedStream,
    Decoder,
    native_decoder,
    report_stream_end,
    zlib_decoder,
)
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import CHUNK, ByteSource, SliceSource, SpooledSource
from stackward.model import Severity

_EOCD = b"PK\x05\x06"
_Z64_LOCATOR = b"PK\x06\x07"
_Z64_EOCD = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_DESCRIPTOR = b"PK\x07\x08"
_EOCD_SIZE = 22
_LOCAL_SIZE = 30
_CENTRAL_SIZE = 46
_MAX_COMMENT = 0xFFFF
_MAX_END_CANDIDATES = 16
_MAX_OVERLAPPING_SCANNED = 32
_STORED, _DEFLATED, _BZIP2, _LZMA = 0, 8, 12, 14
_FLAG_ENCRYPTED, _FLAG_DESCRIPTOR, _FLAG_UTF8 = 0x1, 0x8, 0x800

_TORCH_STORAGE = re.compile(r"(?:^|/)data/\d+$")
_TORCH_METADATA = re.compile(
    r"(?:^|/)(?:version|byteorder|\.format_version|\.storage_alignment"
    r"|\.data/serialization_id|\.data/version)$"
)
_PICKLE_NAME = re.compile(r"(?:\.pkl|\.pickle|\.pt|\.pth|\.joblib)$|(?:^|/)data\.pkl$", re.I)
_PICKLE_FORMATS = frozenset({"pickle", "pytorch-legacy"})


@dataclass(slots=True)
class ZipEntry:
    """One member as the central directory (or, for hidden members, its local header) says."""

    name: str
    raw_name: bytes
    flags: int
    method: int
    crc: int
    compressed_size: int
    size: int
    header_offset: int
    """Absolute offset in the source (prepended data already accounted for)."""
    listed: bool = True
    data_offset: int | None = None
    local_name: bytes | None = None


@dataclass(slots=True)
class ZipDirectory:
    entries: list[ZipEntry] = field(default_factory=list)
    shift: int = 0
    """Bytes before the archive proper (a self-extractor stub, a polyglot's other half)."""
    directory_start: int = 0
    declared: int = 0
    problem: str = ""
    capped: bool = False
    """More members than ``ScanLimits.max_members``; the rest were not listed."""
    ends_file: bool = False
    """The end record (with its comment) is the last thing in the file."""


def _decode_name(raw: bytes, flags: int) -> str:
    return raw.decode("utf-8" if flags & _FLAG_UTF8 else "cp437", errors="replace")


def _end_record(source: ByteSource) -> tuple[int, bytes] | None:
    """Offset and bytes of the last end-of-central-directory record that fits the file."""
    tail_start = max(0, source.size - (_EOCD_SIZE + _MAX_COMMENT))
    tail = source.read_at(tail_start, source.size - tail_start)
    end = len(tail)
    for _ in range(_MAX_END_CANDIDATES):
        index = tail.rfind(_EOCD, 0, end)
        if index < 0:
            return None
        end = index
        if len(tail) - index < _EOCD_SIZE:
            continue
        record = tail[index : index + _EOCD_SIZE]
        cd_size, cd_offset = struct.unpack_from("<II", record, 12)
        if cd_size <= tail_start + index or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
            return tail_start + index, record
    return None


def _zip64_fields(source: ByteSource, eocd_at: int) -> tuple[int, int, int, int] | None:
    """``(entries, cd_size, cd_offset, record_at)`` from the zip64 end record, if present."""
    if eocd_at < 20:
        return None
    locator = source.read_at(eocd_at - 20, 20)
    if not locator.startswith(_Z64_LOCATOR):
        return None
    (recorded,) = struct.unpack_from("<Q", locator, 8)
    for at in (eocd_at - 20 - 56, recorded):
        if 0 <= at < source.size:
            record = source.read_at(at, 56)
            if len(record) == 56 and record.startswith(_Z64_EOCD):
                entries, cd_size, cd_offset = struct.unpack_from("<QQQ", record, 32)
                return entries, cd_size, cd_offset, at
    return None


def read_directory(source: ByteSource, max_members: int, max_bytes: int) -> ZipDirectory | None:
    """The central directory, or ``None`` when there is no end record at all."""
    found = _end_record(source)
    if found is None:
        return None
    eocd_at, record = found
    entries, cd_size, cd_offset = struct.unpack_from("<HII", record, 10)
    cd_end = eocd_at
    zip64 = _zip64_fields(source, eocd_at)
    if zip64 is not None:
        entries, cd_size, cd_offset, cd_end = zip64
    (comment_len,) = struct.unpack_from("<H", record, 20)
    directory = ZipDirectory(declared=entries)
    directory.ends_file = eocd_at + _EOCD_SIZE + comment_len == source.size
    cd_start = cd_end - cd_size
    if cd_start < 0 or cd_start < cd_offset:
        if cd_offset + cd_size > source.size:
            directory.problem = "central directory lies outside the file"
            return directory
        cd_start = cd_offset
    directory.shift = cd_start - cd_offset
    directory.directory_start = cd_start
    data = source.read_at(cd_start, min(cd_size, max_bytes))
    _parse_central(data, directory, max_members)
    return directory


def _zip64_extra(extra: bytes, size: int, csize: int, offset: int) -> tuple[int, int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if tag != 0x0001:
            continue
        values = [v for (v,) in struct.iter_unpack("<Q", body[: len(body) // 8 * 8])]
        if size == 0xFFFFFFFF and values:
            size = values.pop(0)
        if csize == 0xFFFFFFFF and values:
            csize = values.pop(0)
        if offset == 0xFFFFFFFF and values:
            offset = values.pop(0)
        break
    return size, csize, offset


def _parse_central(data: bytes, directory: ZipDirectory, max_members: int) -> None:
    pos = 0
    while pos + _CENTRAL_SIZE <= len(data):
        if len(directory.entries) >= max_members:
            directory.capped = True
            return
        if data[pos : pos + 4] != _CENTRAL:
            directory.problem = f"central directory entry {len(directory.entries)} is corrupt"
            return
        (flags, method, _, _, crc, csize, size, name_len, extra_len, comment_len) = (
            struct.unpack_from("<HHHHIIIHHH", data, pos + 8)
        )
        (offset,) = struct.unpack_from("<I", data, pos + 42)
        name_end = pos + _CENTRAL_SIZE + name_len
        raw = data[pos + _CENTRAL_SIZE : name_end]
        extra = data[name_end : name_end + extra_len]
        size, csize, offset = _zip64_extra(extra, size, csize, offset)
        if name_end + extra_len > len(data):
            directory.problem = "central directory is truncated"
            return
        directory.entries.append(
            ZipEntry(
                _decode_name(raw, flags), raw, flags, method, crc, csize, size,
                offset + directory.shift,
            )
        )  # fmt: skip
        pos = name_end + extra_len + comment_len
    if (
        len(directory.entries) < directory.declared
        and not directory.problem
        and not directory.capped
    ):
        directory.problem = (
            f"central directory lists {len(directory.entries)} of {directory.declared} members"
        )


def has_valid_directory(source: ByteSource) -> bool:
    """True when the tail of ``source`` holds a zip end record and a parsable directory."""
    try:
        directory = read_directory(source, 1, 64 * 1024)
    except (struct.error, ValueError, OverflowError):
        return False
    if directory is None or directory.problem.startswith("central directory lies"):
        return False
    if directory.entries:
        return True
    return directory.declared == 0 and directory.ends_file and not directory.problem


def _read_local(source: ByteSource, entry: ZipEntry) -> str:
    """Fill ``entry.data_offset``/``local_name`` from its local header; return a problem."""
    header = source.read_at(entry.header_offset, _LOCAL_SIZE)
    if len(header) < _LOCAL_SIZE:
        return "local header is past the end of the file (truncated archive)"
    if not header.startswith(_LOCAL):
        return "no local header where the central directory points"
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    entry.local_name = source.read_at(entry.header_offset + _LOCAL_SIZE, name_len)
    entry.data_offset = entry.header_offset + _LOCAL_SIZE + name_len + extra_len
    if entry.data_offset + entry.compressed_size > source.size:
        return "member data runs past the end of the file (truncated archive)"
    return ""


def walk_local_headers(
    source: ByteSource, start: int, stop: int, limit: int, known: dict[int, int] | None = None
) -> list[ZipEntry]:
    """Local headers in file order from ``start``: what a streaming reader would see.

    A member written with a data descriptor has no size in its local header; ``known``
    (header offset -> compressed size, from the directory) lets the walk step over it.
    """
    known = known or {}
    found: list[ZipEntry] = []
    pos = start
    while pos + _LOCAL_SIZE <= stop and len(found) < limit:
        header = source.read_at(pos, _LOCAL_SIZE)
        if not header.startswith(_LOCAL):
            break
        (flags, method, _, _, crc, csize, size, name_len, extra_len) = struct.unpack_from(
            "<HHHHIIIHH", header, 6
        )
        raw = source.read_at(pos + _LOCAL_SIZE, name_len)
        extra = source.read_at(pos + _LOCAL_SIZE + name_len, extra_len)
        size, csize, _ = _zip64_extra(extra, size, csize, 0)
        entry = ZipEntry(
            _decode_name(raw, flags), raw, flags, method, crc, csize, size, pos, listed=False
        )
        entry.local_name = raw
        entry.data_offset = pos + _LOCAL_SIZE + name_len + extra_len
        found.append(entry)
        if flags & _FLAG_DESCRIPTOR and csize == 0:
            if pos not in known:
                break
            csize = entry.compressed_size = known[pos]
        pos = entry.data_offset + csize
        if flags & _FLAG_DESCRIPTOR:
            pos += _descriptor_length(source, pos)
    return found


def _descriptor_length(source: ByteSource, pos: int) -> int:
    """A data descriptor is 12 or 20 bytes (zip64), plus an optional 4-byte signature."""
    for length in (16, 24) if source.read_at(pos, 4) == _DESCRIPTOR else (12, 20):
        if source.read_at(pos + length, 4) in (_LOCAL, _CENTRAL):
            return length
    return 16 if source.read_at(pos, 4) == _DESCRIPTOR else 12


def container_kind(names: set[str]) -> str:
    """What loader the archive is meant for, from its member names."""
    if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
        return "pytorch-zip"
    if "config.json" in names and any(n.endswith(".weights.h5") for n in names):
        return "keras-zip"
    if any(n.endswith(".npy") for n in names):
        return "npz"
    return "zip"


def unsafe_name(name: str) -> bool:
    """Names that extract outside the target directory on some platform."""
    if name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in name.split("/")


def _lzma_member(source: ByteSource, entry: ZipEntry) -> tuple[int, Callable[[], Decoder]]:
    """Zip's LZMA: a 4-byte header and 5 property bytes before a raw LZMA1 stream."""
    assert entry.data_offset is not None
    head = source.read_at(entry.data_offset, 9)
    if len(head) < 9:
        raise ValueError("LZMA member header truncated")
    (props_len,) = struct.unpack_from("<H", head, 2)
    if props_len != 5:
        raise ValueError(f"LZMA member with {props_len} property bytes")
    props = head[4]
    (dict_size,) = struct.unpack_from("<I", head, 5)
    if props >= 9 * 5 * 5:
        raise ValueError("LZMA member with invalid properties")
    lzma_filter = {
        "id": lzma.FILTER_LZMA1,
        "lc": props % 9,
        "lp": (props // 9) % 5,
        "pb": props // 45,
        "dict_size": dict_size,
    }
    return 4 + props_len, native_decoder(
        lambda: lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[lzma_filter])
    )


def _decoder(source: ByteSource, entry: ZipEntry) -> tuple[int, Callable[[], Decoder]] | None:
    if entry.method == _DEFLATED:
        return 0, zlib_decoder(-15)
    if entry.method == _BZIP2:
        return 0, native_decoder(bz2.BZ2Decompressor)
    if entry.method == _LZMA:
        return _lzma_member(source, entry)
    return None


def _hazard(ctx: ScanContext, severity: Severity, symbol: str, reason: str) -> None:
    ctx.issue(IssueKind.ARCHIVE_HAZARD, severity, reason, symbol=symbol)


class _ZipScan:
    """The scan of one archive: its entries, their context, what has been reported."""

    def __init__(self, source: ByteSource, ctx: ScanContext, entries: list[ZipEntry]) -> None:
        self.source = source
        self.ctx = ctx
        self.entries = entries
        self.names = {e.name for e in entries}
        self.siblings = frozenset(self.names)
        self.kind = container_kind(self.names)
        self.overlapping: set[int] = set()
        self.overlapping_scanned = 0
        self.bombed = False
        """An overlapping archive that already exploded is not inflated again per alias."""

    def member_ctx(self, entry: ZipEntry) -> ScanContext:
        return self.ctx.child(entry.name, self.kind, self.siblings)

    def find_overlaps(self) -> None:
        spans = sorted(
            (e.header_offset, e.data_offset + e.compressed_size, i)
            for i, e in enumerate(self.entries)
            if e.data_offset is not None
        )
        reach = -1
        for start, end, index in spans:
            if start < reach:
                self.overlapping.add(index)
                _hazard(
                    self.member_ctx(self.entries[index]),
                    Severity.HIGH,
                    "overlapping members",
                    "member overlaps another member's data (overlap zip bomb or content"
                    " smuggling: readers disagree on what the bytes are)",
                )
            reach = max(reach, end)

    def check_names(self) -> None:
        counts = Counter(e.name for e in self.entries)
        for entry in self.entries:
            mctx = self.member_ctx(entry)
            if unsafe_name(entry.name):
                _hazard(mctx, Severity.HIGH, "path traversal",
                        f"member name {entry.name!r} escapes the extraction directory")  # fmt: skip
            if counts[entry.name] > 1:
                _hazard(mctx, Severity.HIGH, "duplicate name",
                        f"{counts[entry.name]} members are named {entry.name!r}; readers"
                        " disagree on which one is loaded")  # fmt: skip
            if entry.local_name is not None and entry.local_name != entry.raw_name:
                _hazard(mctx, Severity.HIGH, "name mismatch",
                        f"local header names the member {entry.local_name[:200]!r}, the"
                        f" central directory {entry.raw_name[:200]!r}")  # fmt: skip
            if not entry.listed:
                _hazard(mctx, Severity.HIGH, "hidden member",
                        "member has a local header but is absent from the central directory;"
                        " streaming readers see it, directory readers do not")  # fmt: skip

    def scan_all(self) -> None:
        for index, entry in enumerate(self.entries):
            self.ctx.check_time()
            if index in self.overlapping:
                if self.overlapping_scanned >= _MAX_OVERLAPPING_SCANNED or self.bombed:
                    self.member_ctx(entry).unscannable(
                        "overlapping member not scanned: the archive already exploded or has"
                        f" more than {_MAX_OVERLAPPING_SCANNED} overlapping members",
                        symbol="overlap limit",
                        severity=Severity.MEDIUM,
                    )
                    continue
                self.overlapping_scanned += 1
            self.scan_entry(entry)

    def scan_entry(self, entry: ZipEntry) -> None:
        mctx = self.member_ctx(entry)
        if entry.flags & _FLAG_ENCRYPTED:
            pickle_like = bool(_PICKLE_NAME.search(entry.name))
            mctx.unscannable(
                f"member {entry.name!r} is encrypted and cannot be read",
                symbol="encrypted member",
                severity=Severity.HIGH if pickle_like else Severity.MEDIUM,
            )
            self.ctx.note_member(entry.name, "encrypted", entry.size, scanned=False)
            return
        if entry.data_offset is None:
            return
        if self.kind == "pytorch-zip" and (
            _TORCH_STORAGE.search(entry.name) or _TORCH_METADATA.search(entry.name)
        ):
            self.ctx.note_member(entry.name, "tensor-data", entry.size, scanned=False)
            return
        if entry.method == _STORED:
            member = SliceSource(
                self.source, entry.data_offset, entry.compressed_size,
                f"{self.source.name}!{entry.name}",
            )  # fmt: skip
            self.dispatch(entry, member, mctx, self.stored_crc(member))
            return
        self.scan_compressed_entry(entry, mctx)

    def stored_crc(self, member: SliceSource) -> int | None:
        """CRC of a stored member, skipped for members too large to be worth re-reading."""
        if member.size > self.ctx.limits.max_in_memory:
            return None
        crc, offset = 0, 0
        while offset < member.size:
            self.ctx.check_time()
            block = member.read_at(offset, 8 * CHUNK)
            if not block:
                break
            crc = zlib.crc32(block, crc)
            offset += len(block)
        return crc

    def scan_compressed_entry(self, entry: ZipEntry, mctx: ScanContext) -> None:
        assert entry.data_offset is not None
        try:
            plan = _decoder(self.source, entry)
        except ValueError as exc:
            mctx.issue(IssueKind.MALFORMED, Severity.LOW, str(exc), symbol="member header")
            return
        if plan is None:
            mctx.unscannable(
                f"member {entry.name!r} uses compression method {entry.method}, not supported",
                symbol="compression method",
                severity=Severity.MEDIUM,
            )
            self.ctx.note_member(entry.name, f"method-{entry.method}", entry.size, False)
            return
        skip, make = plan
        try:
            stream = DecodedStream(
                self.source, entry.data_offset + skip, entry.compressed_size - skip, make, mctx
            )
        except DECODE_ERRORS as exc:  # bad codec parameters (an LZMA properties header)
            mctx.issue(
                IssueKind.MALFORMED,
                Severity.LOW,
                f"member {entry.name!r} cannot be decompressed: {type(exc).__name__}: {exc}",
                symbol="compressed data",
            )
            return
        spooled = SpooledSource(
            io.BufferedReader(stream, buffer_size=CHUNK),
            f"{self.source.name}!{entry.name}",
            self.ctx.limits.max_expanded_bytes,
        )
        try:
            stream.raise_if_exhausted()
            report_stream_end(stream, mctx, f"member {entry.name!r}")
            if stream.bomb:
                self.bombed = True
                self.ctx.note_member(entry.name, "bomb", stream.produced, scanned=False)
                return
            crc = None if stream.error or spooled.truncated else stream.crc
            self.dispatch(entry, spooled, mctx, crc)
        finally:
            spooled.close()

    def dispatch(
        self, entry: ZipEntry, member: ByteSource, mctx: ScanContext, crc: int | None
    ) -> None:
        fmt = detect(member)
        if crc is not None and crc != entry.crc:
            is_pickle = fmt in _PICKLE_FORMATS
            _hazard(mctx, Severity.HIGH if is_pickle else Severity.MEDIUM, "crc mismatch",
                    f"CRC-32 of {entry.name!r} is {crc:08x}, the archive records"
                    f" {entry.crc:08x}; the content was altered after packing")  # fmt: skip
        self.ctx.note_member(entry.name, fmt or "unknown", member.size)
        self.ctx.scan_member(entry.name, member, self.kind, self.siblings)


def _collect_entries(source: ByteSource, ctx: ScanContext) -> list[ZipEntry]:
    limits = ctx.limits
    directory = read_directory(source, limits.max_members, limits.max_in_memory)
    if directory is None or (directory.problem and not directory.entries):
        ctx.issue(IssueKind.MALFORMED, Severity.LOW,
                  "zip has no usable central directory (truncated or corrupt archive);"
                  " members found by walking local headers", symbol="no central directory")  # fmt: skip
        first = max(0, source.read_at(0, 64 * 1024).find(_LOCAL))
        walked = walk_local_headers(source, first, source.size, limits.max_members)
        for entry in walked:
            entry.listed = True
        return walked
    if directory.problem:
        ctx.issue(IssueKind.MALFORMED, Severity.LOW, directory.problem, symbol="central directory")
    if directory.capped:
        ctx.unscannable(
            f"more than {limits.max_members} members; the rest were not listed or scanned",
            symbol="member limit",
            severity=Severity.MEDIUM,
        )
    entries = directory.entries
    prepended = min((e.header_offset for e in entries), default=directory.shift)
    if prepended > 0:
        _hazard(ctx, Severity.LOW, "prepended data",
                f"{prepended} bytes precede the archive (self-extractor stub or polyglot)")  # fmt: skip
    for entry in entries:
        problem = _read_local(source, entry)
        if problem:
            ctx.child(entry.name, "zip").issue(
                IssueKind.MALFORMED, Severity.LOW, problem, symbol="local header"
            )
            if entry.data_offset is not None and entry.data_offset >= source.size:
                entry.data_offset = None
    listed = {e.header_offset: e.compressed_size for e in entries}
    starts = [directory.shift, *sorted(listed)[:1]]
    for start in dict.fromkeys(starts):
        walked = walk_local_headers(
            source, start, directory.directory_start, limits.max_members, listed
        )
        hidden = [e for e in walked if e.header_offset not in listed]
        if walked:
            entries.extend(hidden)
            break
    return entries


def scan_zip(source: ByteSource, ctx: ScanContext) -> None:
    """List, check and scan every member of a zip archive by content."""
    entries = _collect_entries(source, ctx)
    scan = _ZipScan(source, ctx, entries)
    if ctx.depth == 0:
        ctx.report.properties["zip_members"] = len(entries)
        ctx.report.properties["zip_kind"] = scan.kind
    scan.check_names()
    scan.find_overlaps()
    scan.scan_all()
