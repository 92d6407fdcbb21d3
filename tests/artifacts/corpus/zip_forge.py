"""Write zip archives field by field, so headers can lie the way hostile archives do.

``zipfile`` refuses to write inconsistent archives (a local name that differs from the
central one, a wrong CRC, a member missing from the directory). This writer takes each
field from :class:`Entry`, defaulting to the honest value.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

FLAG_ENCRYPTED = 0x1
FLAG_DATA_DESCRIPTOR = 0x8
STORED = 0
DEFLATED = 8


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    data: bytes
    central_name: str | None = None
    """Name in the central directory; ``None`` means the same as the local header."""
    crc: int | None = None
    """CRC-32 written in both headers; ``None`` means the real one."""
    flags: int = 0
    method: int = STORED
    in_central: bool = True
    """``False`` leaves a local header and data that the directory does not list."""


def _payload(entry: Entry) -> bytes:
    if entry.method == DEFLATED:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        return compressor.compress(entry.data) + compressor.flush()
    return entry.data


def forge_zip(entries: list[Entry], prefix: bytes = b"") -> bytes:
    """An archive of ``entries``; ``prefix`` is written before the first local header
    (offsets are absolute, so the archive is valid with the prefix in place)."""
    out = bytearray(prefix)
    central = bytearray()
    listed = 0
    for entry in entries:
        stored = _payload(entry)
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        local_name = entry.name.encode()
        offset = len(out)
        descriptor = entry.flags & FLAG_DATA_DESCRIPTOR
        sizes = (0, 0, 0) if descriptor else (crc, len(stored), len(entry.data))
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            entry.flags,
            entry.method,
            0,
            0x21,
            *sizes,
            len(local_name),
            0,
        )
        out += local_name + stored
        if descriptor:
            out += struct.pack("<IIII", 0x08074B50, crc, len(stored), len(entry.data))
        if not entry.in_central:
            continue
        central_name = (entry.central_name or entry.name).encode()
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            entry.flags,
            entry.method,
            0,
            0x21,
            crc,
            len(stored),
            len(entry.data),
            len(central_name),
            0,
            0,
            0,
            0,
            0o100644 << 16,
            offset,
        )
        central += central_name
        listed += 1
    directory_offset = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, listed, listed, len(central), directory_offset, 0
    )
    return bytes(out)
