"""A small, bounded reader of the protobuf wire format.

TensorFlow and ONNX models are protobuf messages. Importing ``protobuf`` bindings (or the
frameworks that generate them) is both heavy and unnecessary: the scanner only needs a few
strings at known field paths. This reader walks tags and lengths directly over a
:class:`ByteSource`, reading payloads only when a caller asks for them, so a model with
gigabytes of embedded weights costs a few reads per field rather than its size in memory.

Every length is checked against the enclosing message before it is trusted, nesting depth is
bounded, groups (deprecated, unused by either format) are rejected, and every violation
raises :class:`ProtobufError`, which callers turn into ``MALFORMED`` issues.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from stackward.artifacts.source import ByteSource

VARINT = 0
FIXED64 = 1
LENGTH_DELIMITED = 2
FIXED32 = 5
_GROUP_TYPES = frozenset({3, 4})
_MAX_VARINT_BYTES = 10
INLINE_LIMIT = 1024 * 1024
"""Messages up to this size are read in one piece and parsed from memory; larger ones (a
graph holding its weights) are walked through the reader so their payloads are never read."""
STREAM_WINDOW = 256 * 1024
_HEADER_SPAN = 32
"""Bytes a field header (tag, length or fixed value) can span."""
MAX_DEPTH = 64
"""Deeper nesting than any real TensorFlow or ONNX model uses (subgraphs of subgraphs)."""


class ProtobufError(ValueError):
    """The bytes are not a well-formed protobuf message where one was expected."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(f"{reason} at byte {offset}")
        self.reason = reason
        self.offset = offset


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The varint at ``data[pos:]`` and the position after it."""
    value = 0
    for index, byte in enumerate(data[pos : pos + _MAX_VARINT_BYTES]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, pos + index + 1
    if len(data) - pos >= _MAX_VARINT_BYTES:
        raise ProtobufError("varint longer than 10 bytes", pos)
    raise ProtobufError("truncated varint", pos)


def _decode_varint(data: bytes, index: int, stop: int, base: int) -> tuple[int, int]:
    """The varint at ``data[index:]`` that must end by ``stop``; offsets in errors are
    absolute (``base`` + index)."""
    if index >= stop:
        raise ProtobufError("truncated varint", base + index)
    byte = data[index]
    if byte < 0x80:
        return byte, index + 1
    try:
        value, after = read_varint(data, index)
    except ProtobufError as exc:
        raise ProtobufError(exc.reason, base + index) from None
    if after > stop:
        raise ProtobufError("truncated varint", base + index)
    return value, after


class CachedReader:
    """Random access to a source through a few cached blocks.

    Walking a message reads many small tags; going to the source for each would cost a
    system call (or a ranged GET) per field.
    """

    def __init__(self, source: ByteSource, block: int = 64 * 1024, blocks: int = 32) -> None:
        self.source = source
        self.size = source.size
        self._block = block
        self._max_blocks = blocks
        self._cache: OrderedDict[int, bytes] = OrderedDict()

    def _block_at(self, index: int) -> bytes:
        data = self._cache.get(index)
        if data is None:
            data = self.source.read_at(index * self._block, self._block)
            self._cache[index] = data
            if len(self._cache) > self._max_blocks:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(index)
        return data

    def read_at(self, offset: int, length: int) -> bytes:
        if length <= 0 or offset >= self.size:
            return b""
        if length > self._block:
            return self.source.read_at(offset, length)
        first, last = offset // self._block, (offset + length - 1) // self._block
        start = offset - first * self._block
        if first == last:
            return self._block_at(first)[start : start + length]
        return (self._block_at(first) + self._block_at(last))[start : start + length]


@dataclass(frozen=True, slots=True)
class _Window:
    """Bytes ``data`` that sit at offset ``base`` of the reader; shared by nested messages."""

    data: bytes
    base: int

    def covers(self, start: int, end: int) -> bool:
        return self.base <= start and end <= self.base + len(self.data)

    def slice(self, start: int, length: int) -> bytes:
        offset = start - self.base
        return self.data[offset : offset + length]


@dataclass(slots=True)
class Field:
    """One field of a message. ``value`` is the integer for scalar wire types and the
    payload length for length-delimited ones (whose payload starts at ``payload``)."""

    number: int
    wire_type: int
    value: int
    payload: int
    reader: CachedReader
    depth: int
    window: _Window | None = None

    @property
    def is_bytes(self) -> bool:
        return self.wire_type == LENGTH_DELIMITED

    def data(self, limit: int) -> bytes:
        """The payload, at most ``limit`` bytes of it (empty for scalar fields)."""
        if not self.is_bytes:
            return b""
        length = min(self.value, limit)
        if self.window is not None and self.window.covers(self.payload, self.payload + length):
            return self.window.slice(self.payload, length)
        return self.reader.read_at(self.payload, length)

    def text(self, limit: int = 4096) -> str:
        """The payload as text; undecodable bytes are replaced, never trusted."""
        return self.data(limit).decode("utf-8", errors="replace")

    def message(self) -> Message:
        """The payload parsed as a nested message."""
        if not self.is_bytes:
            raise ProtobufError(
                f"field {self.number} is wire type {self.wire_type}, not a message", self.payload
            )
        end = self.payload + self.value
        window = self.window if self.window and self.window.covers(self.payload, end) else None
        return Message(self.reader, self.payload, end, self.depth + 1, window)


class Message:
    """A message occupying ``[start, end)`` of a reader; fields are parsed on iteration."""

    def __init__(
        self,
        reader: CachedReader,
        start: int,
        end: int,
        depth: int = 0,
        window: _Window | None = None,
    ) -> None:
        if depth > MAX_DEPTH:
            raise ProtobufError(f"messages nested deeper than {MAX_DEPTH} levels", start)
        if not 0 <= start <= end <= reader.size:
            raise ProtobufError("message extends past the end of its container", start)
        self.reader = reader
        self.start = start
        self.end = end
        self.depth = depth
        self._window = window

    @classmethod
    def of(cls, source: ByteSource | bytes) -> Message:
        """The whole of ``source`` (or of in-memory bytes) as one top-level message."""
        if isinstance(source, bytes):
            from stackward.artifacts.source import BytesSource

            source = BytesSource(source, "<bytes>")
        reader = CachedReader(source)
        return cls(reader, 0, reader.size)

    def _read_window(self, start: int, end: int) -> _Window:
        data = self.reader.read_at(start, end - start)
        if len(data) != end - start:
            raise ProtobufError("source is shorter than its reported size", start)
        return _Window(data, start)

    def fields(self) -> Iterator[Field]:
        """Every field in order. Each consumes at least one byte, so the walk is linear.

        Small messages are parsed from one read; a large one through a sliding window that
        skips over payloads, so a multi-GB weight blob costs one window read, not its size.
        """
        reader, depth, end = self.reader, self.depth, self.end
        window = self._window
        if window is None and end - self.start <= INLINE_LIMIT:
            window = self._window = self._read_window(self.start, end)
        pos = self.start
        while pos < end:
            if window is None or window.base + len(window.data) < min(end, pos + _HEADER_SPAN):
                window = self._read_window(pos, min(end, pos + STREAM_WINDOW))
            data, base = window.data, window.base
            stop = end - base
            tag_at = pos
            tag, index = _decode_varint(data, pos - base, stop, base)
            number, wire_type = tag >> 3, tag & 7
            if number == 0:
                raise ProtobufError("field number 0", tag_at)
            if wire_type == VARINT:
                value, index = _decode_varint(data, index, stop, base)
                pos = base + index
                yield Field(number, wire_type, value, pos, reader, depth, window)
            elif wire_type in (FIXED64, FIXED32):
                width = 8 if wire_type == FIXED64 else 4
                if index + width > stop:
                    raise ProtobufError("truncated fixed-width field", tag_at)
                value = int.from_bytes(data[index : index + width], "little")
                yield Field(number, wire_type, value, base + index, reader, depth, window)
                pos = base + index + width
            elif wire_type == LENGTH_DELIMITED:
                length, index = _decode_varint(data, index, stop, base)
                pos = base + index
                if length > end - pos:
                    raise ProtobufError(
                        f"field {number} claims {length} bytes but only {end - pos} remain",
                        tag_at,
                    )
                yield Field(number, wire_type, length, pos, reader, depth, window)
                pos += length
            elif wire_type in _GROUP_TYPES:
                raise ProtobufError(f"field {number} is a group (not used by this format)", tag_at)
            else:
                raise ProtobufError(f"invalid wire type {wire_type}", tag_at)

    def repeated(self, number: int) -> Iterator[Field]:
        """Every occurrence of field ``number``."""
        return (f for f in self.fields() if f.number == number)

    def messages(self, number: int) -> Iterator[Message]:
        """Every occurrence of field ``number`` parsed as a nested message."""
        return (f.message() for f in self.repeated(number))

    def first(self, number: int) -> Field | None:
        """The last occurrence of a singular field (protobuf's merge rule), or ``None``."""
        found: Field | None = None
        for item in self.repeated(number):
            found = item
        return found

    def text(self, number: int, default: str = "", limit: int = 4096) -> str:
        item = self.first(number)
        return item.text(limit) if item is not None and item.is_bytes else default

    def at_path(self, *path: int) -> Iterator[Message]:
        """Every message reached by following repeated fields ``path`` from here."""
        if not path:
            yield self
            return
        for child in self.messages(path[0]):
            yield from child.at_path(*path[1:])
