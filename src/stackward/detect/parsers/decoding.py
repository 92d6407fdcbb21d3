"""Turning a raw record into text or a JSON value, within bounds, or a :class:`ParseError`.

Every parser goes through here so that hostile input fails the same way everywhere: a line
longer than :data:`MAX_LINE_BYTES`, a gzip stream that is truncated or inflates past
:data:`MAX_INFLATED_BYTES` (or by more than :data:`MAX_RATIO` to one), bytes that are not
UTF-8, or JSON that does not parse each give a ParseError naming the problem, never another
exception and never the whole record.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from stackward.detect.interfaces import ParseError, RawRecord

MAX_LINE_BYTES = 8 * 1024 * 1024
"""One log line or one JSON event at most (a Bedrock or LiteLLM record with a long context
stays well below; larger Bedrock bodies are delivered to S3 separately)."""
MAX_INFLATED_BYTES = 256 * 1024 * 1024
"""A delivered file (CloudTrail ``{"Records": [...]}``, a Kubernetes EventList) at most,
after decompression."""
MAX_RATIO = 200
"""Inflating more than this many bytes per compressed byte (past the first MiB) is a bomb:
JSON logs compress about 10 to 30 to one."""
_RATIO_GRACE = 1024 * 1024
_CHUNK = 1024 * 1024
SNIFF_CHARS = 8192
"""How much of a record ``sniff`` looks at."""
GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(data: str | bytes) -> bool:
    return isinstance(data, bytes) and data[:2] == GZIP_MAGIC


def gunzip(data: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """The decompressed gzip ``data`` (all members), bounded in size and ratio."""
    out: list[bytes] = []
    size = 0
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        pending = rest
        while not inflater.eof:
            try:
                chunk = inflater.decompress(pending, _CHUNK)
            except zlib.error as exc:
                raise ParseError(f"gzip data is corrupt ({exc})") from None
            pending = inflater.unconsumed_tail
            size += len(chunk)
            if size > limit:
                raise ParseError(f"gzip data inflates past {limit // (1024 * 1024)} MiB")
            if size > _RATIO_GRACE and size > MAX_RATIO * len(data):
                raise ParseError(f"gzip data inflates more than {MAX_RATIO}:1 (a gzip bomb?)")
            if not chunk:
                break  # no progress: the input ran out before the end of the stream
            out.append(chunk)
        if not inflater.eof:
            raise ParseError("gzip data is truncated")
        left = inflater.unused_data.lstrip(b"\x00")
        if len(left) >= len(rest):
            raise ParseError("gzip data is corrupt (a member of no length)")
        rest = left
    return b"".join(out)


def record_payload(record: RawRecord, limit: int = MAX_LINE_BYTES) -> str | bytes:
    """The record's content, decompressed when it is gzip bytes, checked against ``limit``."""
    data = record.data
    if is_gzip(data):
        assert isinstance(data, bytes)
        data = gunzip(data)
    if len(data) > limit:
        raise ParseError(f"record of {len(data)} bytes is longer than {_size(limit)}")
    return data


def record_text(record: RawRecord, limit: int = MAX_LINE_BYTES) -> str:
    """The record as text; bytes must be UTF-8."""
    data = record_payload(record, limit)
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"record is not UTF-8 text (bad byte at offset {exc.start})") from None


def load_json(data: str | bytes) -> Any:
    """The JSON value of ``data`` (orjson: fast, and it rejects bytes that are not UTF-8)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"not JSON (truncated or malformed): {str(exc)[:120]}") from None


def json_object(record: RawRecord, limit: int = MAX_LINE_BYTES) -> dict[str, Any]:
    value = load_json(record_payload(record, limit))
    if not isinstance(value, dict):
        raise ParseError(f"expected a JSON object, got {_kind(value)}")
    return value


def sniff_head(record: RawRecord) -> str:
    """The first :data:`SNIFF_CHARS` characters, inflating only that much of gzip bytes."""
    data = record.data
    if isinstance(data, str):
        return data[:SNIFF_CHARS]
    if is_gzip(data):
        try:
            data = zlib.decompressobj(wbits=31).decompress(data[: SNIFF_CHARS * 4], SNIFF_CHARS)
        except zlib.error:
            return ""
    return data[:SNIFF_CHARS].decode("utf-8", errors="replace")


def _kind(value: object) -> str:
    return {list: "an array", str: "a string", type(None): "null"}.get(type(value), "a scalar")


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
