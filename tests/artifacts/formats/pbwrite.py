"""A minimal protobuf writer for building test messages without protobuf bindings."""

from __future__ import annotations


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def tag(number: int, wire_type: int) -> bytes:
    return varint(number << 3 | wire_type)


def vint(number: int, value: int) -> bytes:
    """A varint field."""
    return tag(number, 0) + varint(value)


def ld(number: int, payload: bytes | str) -> bytes:
    """A length-delimited field (bytes, string or nested message)."""
    data = payload.encode() if isinstance(payload, str) else payload
    return tag(number, 2) + varint(len(data)) + data


def fixed32(number: int, value: int) -> bytes:
    return tag(number, 5) + value.to_bytes(4, "little")


def fixed64(number: int, value: int) -> bytes:
    return tag(number, 1) + value.to_bytes(8, "little")
