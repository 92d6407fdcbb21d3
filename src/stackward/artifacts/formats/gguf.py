"""GGUF (llama.cpp / ggml): walk the header, metadata and tensor table with every length
checked against the file before anything is read or allocated.

The C loaders trusted these lengths: huge string or array counts, too many dimensions and
offsets past the file were heap overflows in ggml (CVE-2024-25664..25668). The one place
GGUF carries code is ``tokenizer.chat_template``: a Jinja template that loaders render,
analysed statically by :mod:`stackward.artifacts.formats.chat_template`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.chat_template import analyse
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import ByteSource, buffered
from stackward.model import Severity

KNOWN_VERSIONS = frozenset({1, 2, 3})
MAX_DIMS = 4
"""``GGML_MAX_DIMS``: ggml keeps dimensions in a fixed array of four."""
MAX_ARRAY_NESTING = 4
MAX_KEPT_STRING = 256
MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_LISTED = 32
DEFAULT_ALIGNMENT = 32
TEMPLATE_KEY = "tokenizer.chat_template"
KEPT_KEYS = frozenset(
    {"general.alignment", "general.architecture", "general.name", "general.file_type"}
)

UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY = range(10)
UINT64, INT64, FLOAT64 = 10, 11, 12
SCALAR_FORMATS: dict[int, str] = {
    UINT8: "B",
    INT8: "b",
    UINT16: "H",
    INT16: "h",
    UINT32: "I",
    INT32: "i",
    FLOAT32: "f",
    BOOL: "?",
    UINT64: "Q",
    INT64: "q",
    FLOAT64: "d",
}
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    9: ("Q8_1", 32, 40),
    10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210),
    15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66),
    17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18),
    21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82),
    23: ("IQ4_XS", 256, 136),
    24: ("I8", 1, 1),
    25: ("I16", 1, 2),
    26: ("I32", 1, 4),
    27: ("I64", 1, 8),
    28: ("F64", 1, 8),
    29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2),
    34: ("TQ1_0", 256, 54),
    35: ("TQ2_0", 256, 66),
    39: ("MXFP4", 32, 17),
    40: ("NVFP4", 64, 36),
    41: ("Q1_0", 128, 18),
}
"""ggml type id -> (name, elements per block, bytes per block), as in ggml.h / gguf-py."""


class GGUFStructureError(Exception):
    """The file cannot be walked further; carries the severity of the defect."""

    def __init__(self, reason: str, severity: Severity = Severity.HIGH) -> None:
        super().__init__(reason)
        self.severity = severity


@dataclass(slots=True)
class GGUFFacts:
    version: int = 0
    byte_order: str = "little"
    tensor_count: int = 0
    kv_count: int = 0
    values: dict[str, object] = field(default_factory=dict)
    """Scalar and short string values of the keys the scanner reports or needs."""
    templates: list[tuple[str, str]] = field(default_factory=list)
    """Every chat template value, duplicates included: loaders differ on which one wins."""
    oversized_templates: set[str] = field(default_factory=set)
    tensor_types: set[str] = field(default_factory=set)


class _Reader:
    """Sequential, bounds-checked reads: every length is compared with the bytes left."""

    def __init__(
        self, source: ByteSource, order: str, check_time: Callable[[], None] = lambda: None
    ) -> None:
        self._stream = buffered(source)
        self.check_time = check_time
        self.size = source.size
        self.pos = 0
        self.order = order
        self.wide = True
        """Counts and lengths are u64 from version 2 on, u32 in version 1."""
        self.last_string_length = 0
        """Declared length of the last string read, before truncation to ``keep``."""

    @property
    def remaining(self) -> int:
        return self.size - self.pos

    def take(self, count: int, what: str) -> bytes:
        if count > self.remaining:
            raise GGUFStructureError(
                f"{what} needs {count} bytes at offset {self.pos} but only {self.remaining}"
                " remain; C loaders that trust it read past the end of the file"
            )
        data = self._stream.read(count)
        self.pos += count
        return data

    def skip(self, count: int, what: str) -> None:
        if count > self.remaining:
            self.take(count, what)
        self._stream.seek(count, 1)
        self.pos += count

    def scalar(self, code: str, what: str) -> int | float | bool:
        fmt = ("<" if self.order == "little" else ">") + code
        value: int | float | bool = struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]
        return value

    def count(self, what: str) -> int:
        return int(self.scalar("Q" if self.wide else "I", what))

    def skip_strings(self, count: int, what: str) -> None:
        """Skip ``count`` length-prefixed strings (a tokenizer vocabulary) in a tight loop."""
        length_format = struct.Struct(
            ("<" if self.order == "little" else ">") + ("Q" if self.wide else "I")
        )
        width, unpack = length_format.size, length_format.unpack
        read, seek = self._stream.read, self._stream.seek
        for index in range(count):
            if index % 65536 == 65535:
                self.check_time()
            raw = read(width)
            if len(raw) < width:
                self.take(width, what)
            length = unpack(raw)[0]
            self.pos += width + length
            if self.pos > self.size:
                self.pos -= length
                self.take(length, what)
            if length <= 4096:
                read(length)
            else:
                seek(length, 1)

    def string(self, what: str, keep: int = MAX_KEPT_STRING) -> str:
        length = self.count(f"{what} length")
        self.last_string_length = length
        if length > self.remaining:
            self.take(length, what)
        data = self.take(min(length, keep), what)
        self.skip(length - len(data), what)
        return data.decode("utf-8", "replace")


def _value(reader: _Reader, kind: int, key: str, depth: int) -> object:
    """Read one value of type ``kind``; returns it only when small (scalars, short strings)."""
    if kind in SCALAR_FORMATS:
        return reader.scalar(SCALAR_FORMATS[kind], key)
    if kind == STRING:
        keep = MAX_TEMPLATE_BYTES if key.startswith(TEMPLATE_KEY) else MAX_KEPT_STRING
        return reader.string(key, keep)
    if kind == ARRAY:
        _array(reader, key, depth)
        return None
    raise GGUFStructureError(f"key {key!r} has unknown value type {kind}", Severity.MEDIUM)


def _array(reader: _Reader, key: str, depth: int) -> None:
    if depth >= MAX_ARRAY_NESTING:
        raise GGUFStructureError(
            f"arrays nested deeper than {MAX_ARRAY_NESTING} in {key!r}", Severity.MEDIUM
        )
    kind = int(reader.scalar("I", f"{key} array type"))
    length = reader.count(f"{key} array length")
    if kind in SCALAR_FORMATS:
        reader.skip(length * struct.calcsize(SCALAR_FORMATS[kind]), f"{key} array of {length}")
        return
    smallest = 8 if kind == STRING else 12 if kind == ARRAY else 0
    if not smallest:
        raise GGUFStructureError(f"array {key!r} has unknown element type {kind}", Severity.MEDIUM)
    if length * (smallest if reader.wide else smallest // 2) > reader.remaining:
        raise GGUFStructureError(
            f"array {key!r} claims {length} elements, more than the file can hold"
        )
    if kind == STRING:
        reader.skip_strings(length, f"{key} element")
        return
    for _ in range(length):
        _array(reader, key, depth + 1)


def _header(source: ByteSource, ctx: ScanContext) -> tuple[_Reader, int]:
    head = source.read_at(0, 8)
    if len(head) < 8 or head[:4] != b"GGUF":
        raise GGUFStructureError("GGUF header is truncated or lacks its magic", Severity.MEDIUM)
    version = struct.unpack("<I", head[4:8])[0]
    order = "little"
    if version not in KNOWN_VERSIONS and struct.unpack(">I", head[4:8])[0] in KNOWN_VERSIONS:
        order, version = "big", struct.unpack(">I", head[4:8])[0]
    if version not in KNOWN_VERSIONS:
        raise GGUFStructureError(f"unknown GGUF version {version}", Severity.MEDIUM)
    reader = _Reader(source, order, ctx.check_time)
    reader.take(8, "header")
    reader.wide = version >= 2
    return reader, version


def _read_metadata(reader: _Reader, facts: GGUFFacts, ctx: ScanContext) -> None:
    seen: set[str] = set()
    if facts.kv_count * (13 if reader.wide else 9) > reader.remaining:
        raise GGUFStructureError(f"{facts.kv_count} metadata entries cannot fit in the file")
    for index in range(facts.kv_count):
        if index % 1024 == 0:
            ctx.check_time()
        key = reader.string("metadata key")
        kind = int(reader.scalar("I", f"{key} type"))
        value = _value(reader, kind, key, 0)
        if key in seen:
            ctx.issue(
                IssueKind.MALFORMED,
                Severity.HIGH,
                f"metadata key {key!r} appears twice; loaders disagree on which value wins",
                symbol=f"duplicate key {key}",
            )
        seen.add(key)
        if key.startswith(TEMPLATE_KEY) and isinstance(value, str):
            facts.templates.append((key, value))
            if reader.last_string_length > MAX_TEMPLATE_BYTES:
                facts.oversized_templates.add(key)
        elif key in KEPT_KEYS and value is not None:
            facts.values[key] = value


def _alignment(facts: GGUFFacts, ctx: ScanContext) -> int:
    value = facts.values.get("general.alignment", DEFAULT_ALIGNMENT)
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value > 0
        and value & (value - 1) == 0
    ):
        return value
    ctx.issue(
        IssueKind.MALFORMED,
        Severity.MEDIUM,
        f"general.alignment {value!r} is not a positive power of two; loaders reject the file",
        symbol="general.alignment",
    )
    return DEFAULT_ALIGNMENT


def _read_tensors(reader: _Reader, facts: GGUFFacts, ctx: ScanContext) -> None:
    if facts.tensor_count * (24 if reader.wide else 20) > reader.remaining:
        raise GGUFStructureError(f"{facts.tensor_count} tensor infos cannot fit in the file")
    spans: list[tuple[int, int, str]] = []
    names: set[str] = set()
    for index in range(facts.tensor_count):
        if index % 1024 == 0:
            ctx.check_time()
        name = reader.string("tensor name")
        if name in names:
            ctx.issue(
                IssueKind.MALFORMED,
                Severity.HIGH,
                f"tensor {name!r} is declared twice; loaders disagree on which data is real",
                symbol="duplicate tensor",
            )
        names.add(name)
        n_dims = int(reader.scalar("I", f"tensor {name!r} n_dims"))
        if n_dims > MAX_DIMS:
            raise GGUFStructureError(
                f"tensor {name!r} has {n_dims} dimensions; ggml holds at most {MAX_DIMS} and"
                " older loaders overflowed the fixed array"
            )
        dims = [reader.count(f"tensor {name!r} dims") for _ in range(n_dims)]
        type_id = int(reader.scalar("I", f"tensor {name!r} type"))
        offset = int(reader.scalar("Q", f"tensor {name!r} offset"))
        nbytes = _tensor_bytes(name, dims, type_id, facts, ctx)
        spans.append((offset, offset + (nbytes or 0), name))
    alignment = _alignment(facts, ctx)
    data_start = -(-reader.pos // alignment) * alignment
    _check_spans(spans, data_start, alignment, reader.size, ctx)


def _tensor_bytes(
    name: str, dims: list[int], type_id: int, facts: GGUFFacts, ctx: ScanContext
) -> int | None:
    known = GGML_TYPES.get(type_id)
    if known is None:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.MEDIUM,
            f"tensor {name!r} has unknown ggml type {type_id}",
            symbol="tensor type",
        )
        return None
    type_name, block, block_bytes = known
    if len(facts.tensor_types) < MAX_LISTED:
        facts.tensor_types.add(type_name)
    elements = 1
    for dim in dims:
        elements *= dim
    if dims and dims[0] % block:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.MEDIUM,
            f"tensor {name!r} row of {dims[0]} is not a multiple of the {type_name} block",
            symbol="tensor block",
        )
        return None
    if elements >= 2**63:
        raise GGUFStructureError(f"tensor {name!r} element count overflows int64")
    return elements // block * block_bytes


def _check_spans(
    spans: list[tuple[int, int, str]],
    data_start: int,
    alignment: int,
    size: int,
    ctx: ScanContext,
) -> None:
    end_of_previous = 0
    for begin, end, name in sorted(spans):
        if begin % alignment:
            ctx.issue(
                IssueKind.MALFORMED,
                Severity.MEDIUM,
                f"tensor {name!r} offset {begin} is not aligned to {alignment}",
                symbol="tensor alignment",
            )
        if data_start + end > size:
            ctx.issue(
                IssueKind.MALFORMED,
                Severity.HIGH,
                f"tensor {name!r} data ends at {data_start + end}, past the end of the file"
                f" ({size} bytes); loaders that map it read out of bounds",
                symbol="tensor out of bounds",
            )
        if begin < end_of_previous:
            ctx.issue(
                IssueKind.MALFORMED,
                Severity.HIGH,
                f"tensor {name!r} overlaps the previous tensor's data",
                symbol="tensor overlap",
            )
        end_of_previous = max(end_of_previous, end)


def _report_templates(facts: GGUFFacts, ctx: ScanContext) -> None:
    for key, text in facts.templates:
        if key in facts.oversized_templates:
            ctx.unscannable(
                f"{key} is larger than {MAX_TEMPLATE_BYTES} bytes; only its start was analysed",
                symbol=key,
                severity=Severity.MEDIUM,
            )
        for finding in analyse(text):
            where = f" (template line {finding.line})" if finding.line else ""
            ctx.issue(
                IssueKind.TEMPLATE_INJECTION,
                finding.severity,
                f"{key}: {finding.reason}{where}",
                symbol=f"{key}: {finding.symbol}",
            )


def _record_facts(facts: GGUFFacts, ctx: ScanContext) -> None:
    properties: dict[str, object] = {
        "gguf_version": facts.version,
        "byte_order": facts.byte_order,
        "tensor_count": facts.tensor_count,
        "metadata_count": facts.kv_count,
        "has_chat_template": bool(facts.templates),
        "quantization_types": sorted(facts.tensor_types),
    }
    for key, name in (("general.architecture", "architecture"), ("general.name", "name")):
        if isinstance(facts.values.get(key), str):
            properties[name] = facts.values[key]
    ctx.report.properties.update(properties)


def scan_gguf(source: ByteSource, ctx: ScanContext) -> None:
    """Validate a GGUF file's structure and analyse its chat templates; reads no weights."""
    facts = GGUFFacts()
    try:
        reader, facts.version = _header(source, ctx)
        facts.byte_order = reader.order
        facts.tensor_count = reader.count("tensor count")
        facts.kv_count = reader.count("metadata count")
        _read_metadata(reader, facts, ctx)
        _read_tensors(reader, facts, ctx)
    except GGUFStructureError as exc:
        ctx.issue(IssueKind.MALFORMED, exc.severity, str(exc), symbol="gguf structure")
    _report_templates(facts, ctx)
    _record_facts(facts, ctx)
