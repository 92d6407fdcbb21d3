"""Safetensors: validate the JSON header the way the reference loader does, never the data.

A safetensors file is ``u64 header length | JSON header | tensor buffer``. Nothing in it
executes, so the risks are structural: two loaders that resolve a malformed header
differently (duplicate keys, overlapping offsets) see different weights, and offsets or
lengths past the buffer make careless loaders read out of bounds. Trailing bytes after the
buffer can hide a second file (a pickle, a zip) for loaders that sniff content.

Only the 8-byte prefix and the header are read, so a multi-GB checkpoint costs one small
read. Rules follow ``Metadata::validate`` in huggingface/safetensors ``tensor.rs``.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass

from stackward.artifacts.context import ScanContext
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import ByteSource, SliceSource
from stackward.model import Severity

MAX_HEADER_BYTES = 100_000_000
"""The reference implementation refuses larger headers (``HeaderTooLarge``)."""
MAX_JSON_NESTING = 64
DTYPE_BITS: dict[str, int] = {
    "BOOL": 8,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "F8_E4M3FNUZ": 8,
    "F8_E5M2FNUZ": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "C64": 64,
    "F64": 64,
    "I64": 64,
    "U64": 64,
}
"""Element sizes in bits for every dtype the reference and its Python bindings know."""
TENSOR_FIELDS = frozenset({"dtype", "shape", "data_offsets"})
MAX_LISTED = 64
"""Bound on names kept in report properties and reasons."""
TRAILING_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x80\x02", "pickle"),
    (b"\x80\x03", "pickle"),
    (b"\x80\x04", "pickle"),
    (b"\x80\x05", "pickle"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"GGUF", "gguf"),
    (b"\x93NUMPY", "npy"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x89HDF\r\n\x1a\n", "hdf5"),
)
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


@dataclass(frozen=True, slots=True)
class TensorEntry:
    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int


class _DuplicateKeys:
    """``object_pairs_hook`` that keeps the last value (as ``json`` and serde do) but
    remembers every key that appeared twice in one object."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, pairs: list[tuple[str, object]]) -> dict[str, object]:
        result: dict[str, object] = {}
        for key, value in pairs:
            if key in result and len(self.names) < MAX_LISTED:
                self.names.append(key)
            result[key] = value
        return result


def json_nesting(text: str) -> int:
    """Deepest bracket nesting outside string literals, computed without recursion."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING_LITERAL.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _malformed(ctx: ScanContext, severity: Severity, reason: str, symbol: str) -> None:
    ctx.issue(IssueKind.MALFORMED, severity, reason, symbol=symbol)


def _read_header(source: ByteSource, ctx: ScanContext) -> tuple[int, object] | None:
    """The header length and the decoded JSON header, or ``None`` after reporting why not."""
    if source.size < 8:
        _malformed(ctx, Severity.LOW, "file shorter than the 8-byte header length", "header")
        return None
    (length,) = struct.unpack("<Q", source.read_at(0, 8))
    if length > source.size - 8:
        _malformed(
            ctx,
            Severity.HIGH,
            f"header length {length} points past the end of the file ({source.size} bytes);"
            " loaders that trust it read out of bounds",
            "header length",
        )
        return None
    budget = min(MAX_HEADER_BYTES, ctx.limits.max_in_memory)
    if length > budget:
        _malformed(
            ctx,
            Severity.MEDIUM,
            f"header of {length} bytes exceeds the {budget}-byte limit; the reference loader"
            " refuses it and it was not analysed",
            "header too large",
        )
        return None
    try:
        text = source.read_at(8, length).decode("utf-8")
    except UnicodeDecodeError:
        _malformed(ctx, Severity.MEDIUM, "header is not valid UTF-8", "header encoding")
        return None
    if json_nesting(text) > MAX_JSON_NESTING:
        _malformed(
            ctx,
            Severity.MEDIUM,
            f"header JSON nests deeper than {MAX_JSON_NESTING} levels; a valid header needs 3",
            "json nesting",
        )
        return None
    duplicates = _DuplicateKeys()
    try:
        header: object = json.loads(text, object_pairs_hook=duplicates)
    except (ValueError, RecursionError) as exc:
        _malformed(ctx, Severity.MEDIUM, f"header is not valid JSON: {exc}", "header json")
        return None
    if duplicates.names:
        _malformed(
            ctx,
            Severity.HIGH,
            "header repeats keys "
            + ", ".join(sorted(set(duplicates.names)))
            + "; loaders disagree on which entry is real, so they can load different tensors",
            "duplicate key",
        )
    return length, header


def _check_metadata(value: object, ctx: ScanContext) -> list[str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        _malformed(
            ctx,
            Severity.MEDIUM,
            "__metadata__ must map strings to strings; the reference loader rejects the file",
            "__metadata__",
        )
        return []
    return sorted(value)[:MAX_LISTED]


def _parse_entry(name: str, value: object, ctx: ScanContext) -> TensorEntry | None:
    """One tensor description, or ``None`` after reporting what is wrong with it."""
    if not isinstance(value, dict):
        _malformed(ctx, Severity.MEDIUM, f"tensor {name!r} is not a JSON object", "tensor entry")
        return None
    dtype, shape, offsets = value.get("dtype"), value.get("shape"), value.get("data_offsets")
    if not isinstance(dtype, str) or dtype not in DTYPE_BITS:
        _malformed(ctx, Severity.MEDIUM, f"tensor {name!r} has unknown dtype {dtype!r}", "dtype")
        return None
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        _malformed(ctx, Severity.MEDIUM, f"tensor {name!r} shape is not a list of sizes", "shape")
        return None
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_count(o) for o in offsets):
        _malformed(
            ctx,
            Severity.MEDIUM,
            f"tensor {name!r} data_offsets is not [begin, end]",
            "data_offsets",
        )
        return None
    extra = sorted(set(value) - TENSOR_FIELDS)
    if extra:
        _malformed(
            ctx, Severity.LOW, f"tensor {name!r} has unknown fields {extra[:8]}", "unknown field"
        )
    return TensorEntry(name, dtype, tuple(shape), offsets[0], offsets[1])


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _element_count(shape: tuple[int, ...]) -> int:
    count = 1
    for dim in shape:
        count *= dim
    return count


def _check_sizes(entry: TensorEntry, buffer_size: int, ctx: ScanContext) -> None:
    if entry.end < entry.begin:
        _malformed(
            ctx, Severity.HIGH, f"tensor {entry.name!r} ends before it begins", "negative span"
        )
    elif entry.end > buffer_size:
        _malformed(
            ctx,
            Severity.HIGH,
            f"tensor {entry.name!r} ends at {entry.end}, past the {buffer_size}-byte buffer",
            "out of bounds",
        )
    bits = _element_count(entry.shape) * DTYPE_BITS[entry.dtype]
    if bits % 8 or entry.end - entry.begin != bits // 8:
        _malformed(
            ctx,
            Severity.HIGH,
            f"tensor {entry.name!r} spans {entry.end - entry.begin} bytes but its shape and"
            f" dtype need {bits / 8:g}; loaders read neighbouring data or out of bounds",
            "size mismatch",
        )


def _check_layout(entries: list[TensorEntry], buffer_size: int, ctx: ScanContext) -> int:
    """Offsets must tile the buffer from 0 with no overlap or hole; returns the covered end."""
    covered = 0
    for entry in sorted(entries, key=lambda e: (e.begin, e.end)):
        if entry.begin < covered:
            _malformed(
                ctx,
                Severity.HIGH,
                f"tensor {entry.name!r} overlaps the previous tensor (begins at {entry.begin},"
                f" previous ends at {covered}); the same bytes are read as two tensors",
                "overlap",
            )
        elif entry.begin > covered:
            _malformed(
                ctx,
                Severity.MEDIUM,
                f"{entry.begin - covered} unused bytes before tensor {entry.name!r}; holes can"
                " hide content the reference loader rejects",
                "hole",
            )
        covered = max(covered, entry.end)
    return covered


def _check_trailing(
    source: ByteSource, start: int, covered: int, buffer_size: int, ctx: ScanContext
) -> None:
    """Bytes after the last tensor: harmless padding, or a second file riding along."""
    if covered >= buffer_size:
        return
    offset = start + covered
    head = source.read_at(offset, 16)
    kind = next((name for magic, name in TRAILING_MAGICS if head.startswith(magic)), None)
    if kind is None:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.MEDIUM,
            f"{buffer_size - covered} bytes after the last tensor; the reference loader"
            " rejects files whose offsets do not cover the buffer",
            symbol="trailing data",
            offset=offset,
        )
        return
    ctx.issue(
        IssueKind.ARCHIVE_HAZARD,
        Severity.HIGH,
        f"polyglot: {kind} content follows the tensor buffer; tools that sniff or carve"
        " the file see a different artifact than safetensors loaders",
        symbol=f"polyglot {kind}",
        offset=offset,
    )
    trailing = SliceSource(source, offset, buffer_size - covered, "<trailing data>")
    ctx.scan_member("<trailing data>", trailing, "safetensors")


def scan_safetensors(source: ByteSource, ctx: ScanContext) -> None:
    """Validate a safetensors header and record its facts; never reads tensor data."""
    parsed = _read_header(source, ctx)
    if parsed is None:
        return
    length, header = parsed
    if not isinstance(header, dict):
        _malformed(ctx, Severity.MEDIUM, "header is not a JSON object", "header json")
        return
    buffer_start = 8 + length
    buffer_size = source.size - buffer_start
    metadata_keys: list[str] = []
    entries: list[TensorEntry] = []
    for index, (name, value) in enumerate(header.items()):
        if index % 4096 == 0:
            ctx.check_time()
        if name == "__metadata__":
            metadata_keys = _check_metadata(value, ctx)
            continue
        entry = _parse_entry(name, value, ctx)
        if entry is not None:
            _check_sizes(entry, buffer_size, ctx)
            entries.append(entry)
    covered = _check_layout(entries, buffer_size, ctx)
    _check_trailing(source, buffer_start, covered, buffer_size, ctx)
    dtypes = sorted({e.dtype for e in entries})
    ctx.report.properties.update(
        {
            "header_bytes": length,
            "tensor_count": len(entries),
            "dtypes": dtypes,
            "parameter_count": sum(_element_count(e.shape) for e in entries),
            "metadata_keys": metadata_keys,
        }
    )
