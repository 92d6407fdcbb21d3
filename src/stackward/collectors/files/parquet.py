"""Reads a Parquet file's schema and row count from its footer, without any Parquet library.

The footer is a Thrift compact-protocol ``FileMetaData`` struct followed by its 4-byte
length and ``PAR1``. Only the footer is read (bounded by the parse limit) and the decoder
below is deliberately small: it understands every compact-protocol type well enough to
skip it, takes ``schema`` (field 2) and ``num_rows`` (field 3), and gives up on anything
malformed with :class:`ParquetFooterError` instead of looping or recursing without end.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DEPTH = 32
MAX_SCHEMA_ELEMENTS = 100_000


class ParquetFooterError(ValueError):
    """The footer is truncated, inconsistent or not Thrift compact protocol."""


@dataclass(frozen=True, slots=True)
class ParquetSummary:
    columns: list[str]
    """Leaf column paths, dotted for nested fields (``address.street``)."""
    num_rows: int


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise ParquetFooterError("footer ends inside a value")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def take(self, count: int) -> bytes:
        if count < 0 or self.pos + count > len(self.data):
            raise ParquetFooterError("footer ends inside a value")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def varint(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise ParquetFooterError("varint longer than 64 bits")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def binary(self) -> bytes:
        return self.take(self.varint())

    def skip(self, ftype: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise ParquetFooterError("nesting deeper than the decoder allows")
        if ftype in (1, 2):
            return
        if ftype == 3:
            self.take(1)
        elif ftype in (4, 5, 6):
            self.varint()
        elif ftype == 7:
            self.take(8)
        elif ftype == 8:
            self.binary()
        elif ftype in (9, 10):
            size, etype = self.list_header()
            for _ in range(size):
                self.skip_element(etype, depth + 1)
        elif ftype == 11:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.skip_element(types >> 4, depth + 1)
                    self.skip_element(types & 0x0F, depth + 1)
        elif ftype == 12:
            for _field_id, inner_type in self.fields():
                self.skip(inner_type, depth + 1)
        else:
            raise ParquetFooterError(f"unknown compact type {ftype}")

    def skip_element(self, etype: int, depth: int) -> None:
        if etype in (1, 2):  # booleans inside containers take one byte
            self.take(1)
        else:
            self.skip(etype, depth)

    def list_header(self) -> tuple[int, int]:
        header = self.byte()
        size = header >> 4
        if size == 0x0F:
            size = self.varint()
        if size > len(self.data) - self.pos:
            raise ParquetFooterError("container claims more elements than the footer holds")
        return size, header & 0x0F

    def fields(self) -> _FieldIterator:
        return _FieldIterator(self)


class _FieldIterator:
    """Yields ``(field id, type)`` of a struct until its stop byte."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.last = 0

    def __iter__(self) -> _FieldIterator:
        return self

    def __next__(self) -> tuple[int, int]:
        header = self.reader.byte()
        if header == 0:
            raise StopIteration
        delta, ftype = header >> 4, header & 0x0F
        self.last = self.last + delta if delta else self.reader.zigzag()
        return self.last, ftype


def _schema_element(reader: _Reader) -> tuple[str, int]:
    name, children = "", 0
    for fid, ftype in reader.fields():
        if fid == 4 and ftype == 8:
            name = reader.binary().decode("utf-8", errors="replace")
        elif fid == 5 and ftype == 5:
            children = reader.zigzag()
        else:
            reader.skip(ftype, 1)
    return name, max(children, 0)


def _leaf_paths(elements: list[tuple[str, int]]) -> list[str]:
    """Flattens the depth-first schema list (root first) into dotted leaf paths."""
    paths: list[str] = []
    stack: list[tuple[str, int]] = []  # (prefix, children still to visit)
    for index, (name, children) in enumerate(elements):
        if index == 0:
            stack.append(("", children))
            continue
        while stack and stack[-1][1] == 0:
            stack.pop()
        if not stack:
            break
        prefix, remaining = stack[-1]
        stack[-1] = (prefix, remaining - 1)
        path = f"{prefix}.{name}" if prefix else name
        if children:
            stack.append((path, children))
        else:
            paths.append(path)
    return paths


def parse_footer(metadata: bytes) -> ParquetSummary:
    reader = _Reader(metadata)
    elements: list[tuple[str, int]] = []
    num_rows = -1
    for fid, ftype in reader.fields():
        if fid == 2 and ftype == 9:
            size, etype = reader.list_header()
            if etype != 12 or size > MAX_SCHEMA_ELEMENTS:
                raise ParquetFooterError("schema is not a list of structs")
            elements = [_schema_element(reader) for _ in range(size)]
        elif fid == 3 and ftype == 6:
            num_rows = reader.zigzag()
        else:
            reader.skip(ftype, 1)
    if not elements or num_rows < 0:
        raise ParquetFooterError("footer has no schema or no row count")
    return ParquetSummary(columns=_leaf_paths(elements), num_rows=num_rows)


def footer_span(size: int, tail: bytes) -> tuple[int, int]:
    """Offset and length of the footer metadata, from the last 8 bytes of the file."""
    if len(tail) != 8 or tail[4:] != b"PAR1":
        raise ParquetFooterError("file does not end with the PAR1 magic")
    length = int.from_bytes(tail[:4], "little")
    if length <= 0 or length > size - 12:
        raise ParquetFooterError(f"footer length {length} does not fit the file")
    return size - 8 - length, length
