"""Assemble pickle streams opcode by opcode for tests.

Payload commands only ever create a marker file, so a stream loaded by mistake is harmless.
"""

from __future__ import annotations

import struct

from stackward.artifacts import ArtifactReport, scan_artifact
from stackward.artifacts.limits import ScanLimits
from stackward.artifacts.source import BytesSource

MARKER_COMMAND = "touch /tmp/stackward-payload-marker"

PROTO2 = b"\x80\x02"
MARK = b"("
STOP = b"."
REDUCE = b"R"
BUILD = b"b"
NEWOBJ = b"\x81"
NEWOBJ_EX = b"\x92"
STACK_GLOBAL = b"\x93"
MEMOIZE = b"\x94"
TUPLE1 = b"\x85"
TUPLE2 = b"\x86"
TUPLE3 = b"\x87"
EMPTY_TUPLE = b")"
EMPTY_DICT = b"}"
NONE = b"N"


def glob(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def inst(module: str, name: str) -> bytes:
    return b"i" + module.encode() + b"\n" + name.encode() + b"\n"


def short_str(text: str) -> bytes:
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


def binunicode(text: str) -> bytes:
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def binbytes(data: bytes) -> bytes:
    return b"B" + struct.pack("<I", len(data)) + data


def binint(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)


def binput(index: int) -> bytes:
    return b"q" + bytes([index])


def binget(index: int) -> bytes:
    return b"h" + bytes([index])


def long_binput(index: int) -> bytes:
    return b"r" + struct.pack("<I", index)


def long_binget(index: int) -> bytes:
    return b"j" + struct.pack("<I", index)


def ext(code: int) -> bytes:
    if code < 0x100:
        return b"\x82" + bytes([code])
    if code < 0x10000:
        return b"\x83" + struct.pack("<H", code)
    return b"\x84" + struct.pack("<i", code)


def frame(body: bytes) -> bytes:
    return b"\x95" + struct.pack("<Q", len(body)) + body


def call(module: str, name: str, *args: str, protocol: bytes = PROTO2) -> bytes:
    """``module.name(*args)`` via GLOBAL + TUPLE + REDUCE."""
    return (
        protocol
        + glob(module, name)
        + MARK
        + b"".join(binunicode(a) for a in args)
        + b"t"
        + REDUCE
        + STOP
    )


def system_call() -> bytes:
    return call("os", "system", MARKER_COMMAND)


def scan(data: bytes, name: str = "sample.pkl", **kwargs: object) -> ArtifactReport:
    limits = kwargs.pop("limits", None)
    allow = kwargs.pop("allow_globals", ())
    assert isinstance(limits, ScanLimits | None)
    assert isinstance(allow, tuple)
    return scan_artifact(BytesSource(data, name), limits=limits, allow_globals=allow)


def severities(report: ArtifactReport) -> dict[str, str]:
    """Issue symbol -> severity label."""
    return {issue.symbol: issue.severity.label for issue in report.issues}


def worst(report: ArtifactReport) -> str:
    severity = report.max_severity
    return "none" if severity is None else severity.label
