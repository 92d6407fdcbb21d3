"""gzip, bzip2, xz and zip: members are read like any other item, within hard bounds.

Decompression is streamed into a spool and cut at the smaller of the expanded-bytes
budget and a compression-ratio bound (a bomb stops there, with a problem); zip member
names that climb out of the archive are shown sanitised; encrypted members are skipped;
member count and nesting depth are bounded. ``read_member`` is the dispatcher, passed in
so this module does not import it back.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import posixpath
import zipfile
from collections.abc import Callable
from typing import BinaryIO, cast

from stackward.artifacts.source import ByteSource, SpooledSource, buffered
from stackward.dspm.readers.formats import problem, size_text
from stackward.dspm.records import ItemContent, Location, ReadLimits

MAX_RATIO = 200
"""Real data compresses up to ~20x (logs ~50x); a higher ratio is a bomb, not data."""
MIN_RATIO_BOUND = 1024 * 1024
_STREAM_SUFFIXES = {"gzip": (".gz", ".gzip", ".tgz"), "bz2": (".bz2",), "xz": (".xz",)}

ReadMember = Callable[[ByteSource, Location, ReadLimits, int], list[ItemContent]]


def expansion_bound(compressed: int, budget: int) -> int:
    """Bytes a member of ``compressed`` bytes may expand to: the budget, or the ratio bound."""
    return max(0, min(budget, max(MIN_RATIO_BOUND, compressed * MAX_RATIO)))


def inner_name(item: str, kind: str) -> str:
    """``logs/app.jsonl.gz`` -> ``app.jsonl`` (``.tgz`` -> ``.tar``)."""
    base = posixpath.basename(item.rsplit("!", 1)[-1])
    lower = base.lower()
    for suffix in _STREAM_SUFFIXES[kind]:
        if lower.endswith(suffix):
            return base[: -len(suffix)] + (".tar" if suffix == ".tgz" else "")
    return base or "data"


def _decompressor(kind: str, stream: BinaryIO) -> BinaryIO:
    if kind == "gzip":
        return cast(BinaryIO, gzip.GzipFile(fileobj=stream))
    if kind == "bz2":
        return cast(BinaryIO, bz2.BZ2File(stream))
    return cast(BinaryIO, lzma.LZMAFile(stream))


def read_compressed(
    source: ByteSource,
    location: Location,
    limits: ReadLimits,
    depth: int,
    kind: str,
    read_member: ReadMember,
) -> list[ItemContent]:
    """A single compressed stream: its decompressed bytes read as ``item!inner``."""
    inner = Location(location.source, f"{location.item}!{inner_name(location.item, kind)}")
    bound = expansion_bound(source.size, limits.max_expanded_bytes)
    problems: list[str] = []
    try:
        spool = SpooledSource(_decompressor(kind, buffered(source)), inner.item, bound)
    except (OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        return [
            ItemContent(
                location,
                kind,
                bytes_total=source.size,
                sampling="not read",
                problems=[problem(location, f"{kind} stream not readable: {exc}")],
            )
        ]
    if spool.truncated:
        problems.append(
            problem(
                location,
                f"decompressed data exceeds {size_text(bound)} (budget or {MAX_RATIO}x ratio); "
                f"only the first {size_text(bound)} read",
            )
        )
    try:
        contents = read_member(spool, inner, limits, depth + 1)
    finally:
        spool.close()
    if contents:
        contents[0].problems[:0] = problems
        if spool.truncated and contents[0].sampling == "full":
            contents[0].sampling = f"first {size_text(bound)} decompressed"
    return contents


def sanitised_member_name(name: str) -> tuple[str, bool]:
    """A member name that stays inside the archive, and whether it had to be changed."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if parts and len(parts[0]) == 2 and parts[0][1] == ":":
        parts = parts[1:]
    clean = "/".join(parts) or "unnamed"
    clean = "".join(ch if ch.isprintable() else "?" for ch in clean)
    return clean, clean != name


def read_zip(
    source: ByteSource,
    location: Location,
    limits: ReadLimits,
    depth: int,
    read_member: ReadMember,
) -> list[ItemContent]:
    """One item for the archive itself (its problems, how many members were read), then
    the contents of each member as ``archive.zip!member``."""
    archive = ItemContent(location, "zip", bytes_total=source.size)
    try:
        handle = zipfile.ZipFile(buffered(source))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        archive.problems.append(problem(location, f"zip not readable: {exc}"))
        archive.sampling = "not read"
        return [archive]
    contents = [archive]
    members = [info for info in handle.infolist() if not info.is_dir()]
    budget = limits.max_expanded_bytes
    read = 0
    with handle:
        for info in members[: limits.max_archive_members]:
            if budget <= 0:
                archive.problems.append(
                    problem(
                        location,
                        f"expanded bytes over {size_text(limits.max_expanded_bytes)}; "
                        f"members after {read} not read",
                    )
                )
                break
            clean, changed = sanitised_member_name(info.filename)
            where = Location(location.source, f"{location.item}!{clean}")
            if info.flag_bits & 0x1:
                archive.problems.append(problem(where, "encrypted member; not read"))
                continue
            bound = expansion_bound(info.compress_size, budget)
            try:
                with handle.open(info) as stream:
                    spool = SpooledSource(stream, where.item, bound)  # type: ignore[arg-type]
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                ValueError,
                NotImplementedError,
                RuntimeError,
                lzma.LZMAError,
            ) as exc:
                archive.problems.append(problem(where, f"member not readable: {exc}"))
                continue
            budget -= spool.size
            read += 1
            try:
                member = read_member(spool, where, limits, depth + 1)
            finally:
                spool.close()
            if member:
                if changed:
                    member[0].problems.insert(
                        0,
                        problem(
                            where,
                            f"member name {info.filename!r} escapes the archive; shown sanitised",
                        ),
                    )
                if spool.truncated:
                    member[0].problems.insert(
                        0,
                        problem(
                            where,
                            f"member expands past {size_text(bound)} (budget or "
                            f"{MAX_RATIO}x ratio); only that much read",
                        ),
                    )
            contents.extend(member)
    if len(members) > limits.max_archive_members:
        archive.problems.append(
            problem(
                location,
                f"{len(members):,} members; only the first {limits.max_archive_members:,} read",
            )
        )
    archive.rows_total = len(members)
    archive.rows_read = read
    archive.sampling = "full" if read == len(members) else f"{read} of {len(members)} members read"
    return contents
