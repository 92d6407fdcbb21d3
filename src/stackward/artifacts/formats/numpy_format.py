"""NumPy ``.npy`` files: a small literal header, then raw array data or, for object arrays, a pickle.

``numpy.load(allow_pickle=True)`` unpickles the data section of any array whose dtype holds
Python objects, so that section is handed to the pickle scanner. Every other dtype is plain
bytes: only the header is parsed (``ast.literal_eval`` on a bounded string, never ``eval``)
and the data size is checked against what the header promises.
"""

from __future__ import annotations

import ast
import importlib
import math
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from stackward.artifacts.context import ScanContext
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import ByteSource, SliceSource
from stackward.model import Severity

MAGIC = b"\x93NUMPY"
MAX_HEADER = 100_000
"""NumPy itself refuses headers over 10 000 bytes unless told otherwise; allow some slack."""
MAX_FIELDS = 10_000
MAX_DESCR_DEPTH = 32
_TYPESTR = re.compile(r"^[<>|=]?([a-zA-Z?])(\d*)(\[[A-Za-z0-9]+\])?$")
_UNSIZED_KINDS = {"b": 1, "?": 1, "O": 8}

Scanner = Callable[[ByteSource, ScanContext], None]


class NpyHeaderError(ValueError):
    """The header is not the literal dictionary ``numpy.save`` writes."""


@dataclass(frozen=True, slots=True)
class NpyHeader:
    version: tuple[int, int]
    descr: object
    fortran_order: bool
    shape: tuple[int, ...]
    data_offset: int


def read_header(source: ByteSource) -> NpyHeader:
    """Parse and validate the header; raise :class:`NpyHeaderError` on anything unexpected."""
    prefix = source.read_at(0, 12)
    if len(prefix) < 10 or not prefix.startswith(MAGIC):
        raise NpyHeaderError("truncated before the end of the magic and version")
    version = (prefix[6], prefix[7])
    if version[0] == 1:
        (length,) = struct.unpack_from("<H", prefix, 8)
        start = 10
    elif version[0] in (2, 3):
        if len(prefix) < 12:
            raise NpyHeaderError("truncated header length")
        (length,) = struct.unpack_from("<I", prefix, 8)
        start = 12
    else:
        raise NpyHeaderError(f"unknown format version {version[0]}.{version[1]}")
    if length > MAX_HEADER:
        raise NpyHeaderError(f"header claims {length} bytes, more than {MAX_HEADER}")
    if start + length > source.size:
        raise NpyHeaderError(f"header claims {length} bytes but the file ends first")
    raw = source.read_at(start, length)
    text = raw.decode("utf-8" if version[0] == 3 else "latin-1", errors="replace")
    try:
        literal = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise NpyHeaderError(f"header is not a Python literal ({type(exc).__name__})") from None
    return _validate(literal, version, start + length)


def _validate(literal: object, version: tuple[int, int], data_offset: int) -> NpyHeader:
    if not isinstance(literal, dict) or set(literal) != {"descr", "fortran_order", "shape"}:
        raise NpyHeaderError("header must be a dict with exactly descr, fortran_order, shape")
    shape = literal["shape"]
    if not isinstance(shape, tuple) or not all(
        isinstance(dim, int) and not isinstance(dim, bool) and dim >= 0 for dim in shape
    ):
        raise NpyHeaderError("shape must be a tuple of non-negative integers")
    if not isinstance(literal["fortran_order"], bool):
        raise NpyHeaderError("fortran_order must be a bool")
    descr = literal["descr"]
    if not isinstance(descr, str | list):
        raise NpyHeaderError("descr must be a type string or a list of fields")
    return NpyHeader(version, descr, literal["fortran_order"], shape, data_offset)


def _leaves(descr: object, depth: int = 0) -> Iterator[tuple[str, int]]:
    """Every leaf type string of a (possibly structured) descr, with its element count."""
    if depth > MAX_DESCR_DEPTH:
        raise NpyHeaderError("structured dtype nested too deeply")
    if isinstance(descr, str):
        yield descr, 1
        return
    if not isinstance(descr, list) or len(descr) > MAX_FIELDS:
        raise NpyHeaderError("descr fields must be a list of bounded length")
    for field in descr:
        if not isinstance(field, tuple) or len(field) not in (2, 3):
            raise NpyHeaderError("a structured field must be (name, type[, shape])")
        count = 1
        if len(field) == 3:
            sub = field[2]
            sub = sub if isinstance(sub, tuple) else (sub,)
            if not all(isinstance(dim, int) and dim >= 0 for dim in sub):
                raise NpyHeaderError("a field shape must hold non-negative integers")
            count = math.prod(sub)
        for leaf, inner in _leaves(field[1], depth + 1):
            yield leaf, inner * count


def holds_objects(descr: object) -> bool:
    """True when any field of the dtype is a Python object (pickled on save).

    A type string numpy does not write itself (``"object"``, an alias) is taken as one too:
    ``numpy.dtype`` accepts aliases, so the data is scanned rather than trusted.
    """
    for leaf, _ in _leaves(descr):
        match = _TYPESTR.match(leaf)
        if match is None or match.group(1) == "O":
            return True
    return False


def item_size(descr: object) -> int | None:
    """Bytes per element, or ``None`` when a type string is not one numpy writes."""
    total = 0
    for leaf, count in _leaves(descr):
        match = _TYPESTR.match(leaf)
        if match is None:
            return None
        kind, digits = match.group(1), match.group(2)
        if digits:
            size = int(digits) * (4 if kind == "U" else 1)
        elif kind in _UNSIZED_KINDS:
            size = _UNSIZED_KINDS[kind]
        else:
            return None
        total += size * count
    return total


def _pickle_scanner() -> Scanner | None:
    try:
        module = importlib.import_module("stackward.artifacts.formats.pickle_file")
    except ImportError:
        return None
    scanner: Scanner = module.scan_pickle
    return scanner


def scan_npy(source: ByteSource, ctx: ScanContext) -> None:
    """Validate the header; scan object-array data as a pickle; check the size of the rest."""
    try:
        header = read_header(source)
        objects = holds_objects(header.descr)
        itemsize = None if objects else item_size(header.descr)
    except NpyHeaderError as exc:
        ctx.issue(IssueKind.MALFORMED, Severity.LOW, f"npy header: {exc}", symbol="npy header")
        return
    if ctx.depth == 0:
        ctx.report.properties["dtype"] = str(header.descr)
        ctx.report.properties["shape"] = list(header.shape)
    data_size = source.size - header.data_offset
    if objects:
        _scan_object_data(source, header, data_size, ctx)
        return
    if itemsize is None:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.LOW,
            f"npy dtype {str(header.descr)[:200]!r} is not one numpy writes",
            symbol="npy dtype",
        )
        return
    expected = itemsize * math.prod(header.shape)
    if expected != data_size:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.LOW,
            f"npy header promises {expected} data bytes but the file holds {data_size}",
            symbol="npy size",
        )


def _scan_object_data(
    source: ByteSource, header: NpyHeader, data_size: int, ctx: ScanContext
) -> None:
    scan_pickle = _pickle_scanner()
    if scan_pickle is None:
        ctx.unscannable(
            "object-array data is a pickle but the pickle scanner is unavailable",
            symbol="npy object data",
            severity=Severity.MEDIUM,
        )
        return
    scan_pickle(SliceSource(source, header.data_offset, data_size, source.name), ctx)
