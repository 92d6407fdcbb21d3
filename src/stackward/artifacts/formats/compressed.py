"""Single-stream compressed files: gzip, bz2, xz, lzma-alone, zlib (joblib) and lz4 frames.

The decompressed content is spooled (bounded by the artifact's expansion budget) and handed
back to the dispatcher, so a ``model.pkl.gz`` is scanned as the pickle it holds. Expansion
is metered as it happens: a stream that grows past ``ScanLimits.max_ratio`` times the bytes
it has consumed is stopped as a decompression bomb before it fills the disk.

:class:`DecodedStream` is also what the zip scanner uses to inflate its members.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from stackward.artifacts.context import BudgetExceeded, ScanContext
from stackward.artifacts.dispatch import LZMA_ALONE, ZLIB_SECOND, compression_of, detect
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import CHUNK, ByteSource, SpooledSource
from stackward.model import Severity

DECODE_ERRORS = (zlib.error, OSError, lzma.LZMAError, EOFError, ValueError, RuntimeError)
_FEED = 64 * 1024
"""Compressed bytes fed per step: small, so the expansion ratio is measured closely."""
_MAX_IDLE_STEPS = 10_000
_OLD_JOBLIB_HEADER_MAX = 40
"""Old joblib ``ZF`` files: ``ZF`` + a padded hex length (19-20 chars) before the zlib stream."""


class Decoder(Protocol):
    """A streaming decompressor whose output per step is bounded."""

    @property
    def eof(self) -> bool: ...

    @property
    def needs_input(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def step(self, data: bytes, max_length: int) -> bytes:
        """Feed ``data`` (may be empty) and return at most ``max_length`` output bytes."""
        ...


class _ZlibDecoder:
    """zlib/deflate/gzip: bounded output through ``unconsumed_tail``."""

    def __init__(self, wbits: int) -> None:
        self._inner = zlib.decompressobj(wbits)
        self._tail = b""
        self._short = True

    @property
    def eof(self) -> bool:
        return self._inner.eof

    @property
    def needs_input(self) -> bool:
        return not self._tail and self._short

    @property
    def unused_data(self) -> bytes:
        return self._inner.unused_data

    def step(self, data: bytes, max_length: int) -> bytes:
        out = self._inner.decompress(self._tail + data, max_length)
        self._tail = self._inner.unconsumed_tail
        self._short = len(out) < max_length
        return out


class _BufferingDecoder:
    """bz2 / lzma / lz4 decompressors: they buffer input and honour ``max_length`` natively."""

    def __init__(self, inner: _NativeDecompressor) -> None:
        self._inner = inner

    @property
    def eof(self) -> bool:
        return bool(self._inner.eof)

    @property
    def needs_input(self) -> bool:
        return bool(self._inner.needs_input)

    @property
    def unused_data(self) -> bytes:
        return bytes(self._inner.unused_data or b"")

    def step(self, data: bytes, max_length: int) -> bytes:
        return bytes(self._inner.decompress(data, max_length))


class _NativeDecompressor(Protocol):
    @property
    def eof(self) -> bool: ...

    @property
    def needs_input(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


def zlib_decoder(wbits: int) -> Callable[[], Decoder]:
    """Raw deflate is ``-15``, zlib ``15``, gzip ``31``."""
    return lambda: _ZlibDecoder(wbits)


def native_decoder(factory: Callable[[], _NativeDecompressor]) -> Callable[[], Decoder]:
    return lambda: _BufferingDecoder(factory())


class DecodedStream(io.RawIOBase):
    """Decompressed bytes of ``source[start:start + length]``, metered as they are produced.

    Every produced byte is charged to the artifact's expansion budget. The stream ends early,
    without raising, when the input is corrupt or truncated (:attr:`error`) or when it expands
    past the bomb ratio (:attr:`bomb`); what was produced before stays readable. ``restart``
    names the magic bytes of a follow-on stream (multi-member gzip, concatenated bz2).
    """

    def __init__(
        self,
        source: ByteSource,
        start: int,
        length: int,
        make_decoder: Callable[[], Decoder],
        ctx: ScanContext,
        restart: bytes = b"",
    ) -> None:
        super().__init__()
        self._source = source
        self._next = start
        self._end = start + max(0, min(length, source.size - start))
        self._make = make_decoder
        self._decoder = make_decoder()
        self._ctx = ctx
        self._restart = restart
        self._pending = b""
        self.produced = 0
        self.consumed = 0
        self.crc = 0
        self.error = ""
        self.bomb = False
        self.trailing = 0
        self.streams = 1
        self.done = False
        self.exhausted: BudgetExceeded | None = None
        """Set when the artifact's expansion budget ran out; the owner re-raises it after
        releasing its spool (:meth:`raise_if_exhausted`)."""

    def readable(self) -> bool:
        return True

    def raise_if_exhausted(self) -> None:
        if self.exhausted is not None:
            raise self.exhausted

    def _feed(self) -> bytes:
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        if self._next >= self._end:
            return b""
        data = self._source.read_at(self._next, min(_FEED, self._end - self._next))
        self._next += len(data)
        self.consumed += len(data)
        return data

    def _finish_stream(self) -> None:
        leftover = self._decoder.unused_data + self._pending
        self._pending = b""
        if self._restart and leftover.startswith(self._restart):
            self._decoder = self._make()
            self._pending = leftover
            self.streams += 1
            return
        rest = self._end - self._next
        if leftover.strip(b"\x00") or rest:
            self.trailing = len(leftover) + rest
        self.done = True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        want = len(buffer)
        idle = 0
        while not self.done and want:
            self._ctx.check_time()
            if self._decoder.eof:
                self._finish_stream()
                continue
            data = self._feed() if self._decoder.needs_input else b""
            if self._decoder.needs_input and not data:
                self.error = "compressed stream is truncated"
                self.done = True
                break
            try:
                out = self._decoder.step(data, want)
            except DECODE_ERRORS as exc:
                self.error = f"compressed stream is corrupt ({exc})"
                self.done = True
                break
            if not out:
                idle += 1
                if idle > _MAX_IDLE_STEPS:
                    self.error = "decompressor made no progress"
                    self.done = True
                continue
            try:
                self._ctx.charge_expanded(len(out))
            except BudgetExceeded as exc:
                self.exhausted = exc
                self.done = True
                return 0
            self.produced += len(out)
            self.crc = zlib.crc32(out, self.crc)
            buffer[: len(out)] = out
            limits = self._ctx.limits
            if self.produced > limits.ratio_floor and self.produced > limits.max_ratio * max(
                self.consumed, 1
            ):
                self.bomb = True
                self.done = True
            return len(out)
        return 0


@dataclass(frozen=True, slots=True)
class _Format:
    name: str
    member: str
    suffixes: tuple[str, ...]
    restart: bytes


_FORMATS = {
    "gzip": _Format("gzip", "<gzip content>", (".gz", ".gzip"), b"\x1f\x8b"),
    "bz2": _Format("bz2", "<bz2 content>", (".bz2",), b"BZh"),
    "xz": _Format("xz", "<xz content>", (".xz",), b"\xfd7zXZ\x00"),
    "lzma": _Format("lzma", "<lzma content>", (".lzma",), b""),
    "lz4": _Format("lz4", "<lz4 content>", (".lz4",), b"\x04\x22\x4d\x18"),
    "zlib": _Format("zlib", "<zlib content>", (".z", ".zlib"), b""),
}


def _sniff(head: bytes) -> str | None:
    found = compression_of(head)
    if found is None and head.startswith(LZMA_ALONE):
        return "lzma"  # the dispatcher only sends lzma-alone content here with a name hint
    return found


def _old_joblib_offset(head: bytes) -> int:
    """Where the zlib stream starts in an old joblib ``ZF`` file (0 for a plain zlib file)."""
    if not head.startswith(b"ZF"):
        return 0
    for index in range(2, min(len(head) - 1, _OLD_JOBLIB_HEADER_MAX)):
        if head[index] == 0x78 and head[index + 1] in ZLIB_SECOND:
            return index
    return -1


def _lz4_decoder() -> Callable[[], Decoder] | None:
    try:
        import lz4.frame  # type: ignore[import-untyped]
    except ImportError:
        return None
    factory: Callable[[], _NativeDecompressor] = lz4.frame.LZ4FrameDecompressor
    return native_decoder(factory)


def _decoder_for(fmt: str) -> Callable[[], Decoder] | None:
    if fmt == "gzip":
        return zlib_decoder(31)
    if fmt == "zlib":
        return zlib_decoder(15)
    if fmt == "bz2":
        return native_decoder(bz2.BZ2Decompressor)
    if fmt == "xz":
        return native_decoder(lambda: lzma.LZMADecompressor(lzma.FORMAT_XZ))
    if fmt == "lzma":
        return native_decoder(lambda: lzma.LZMADecompressor(lzma.FORMAT_ALONE))
    return _lz4_decoder()


def inner_name(outer: str, fmt: str) -> str:
    """``model.pkl.gz`` holds ``model.pkl``: keeps the name hint for formats without magic."""
    base = outer.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    for suffix in _FORMATS[fmt].suffixes:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return base


def report_stream_end(stream: DecodedStream, ctx: ScanContext, what: str) -> None:
    """Turn how a :class:`DecodedStream` ended into issues on ``ctx``."""
    if stream.bomb:
        ctx.issue(
            IssueKind.ARCHIVE_HAZARD,
            Severity.HIGH,
            f"decompression bomb: {what} expanded {stream.produced} bytes from"
            f" {stream.consumed}, past {ctx.limits.max_ratio}x; decompression stopped",
            symbol="decompression bomb",
        )
    elif stream.error:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.LOW,
            f"{what}: {stream.error}; scanned the {stream.produced} bytes decoded before it",
            symbol="corrupt stream",
        )


def scan_compressed(source: ByteSource, ctx: ScanContext) -> None:
    """Decompress a gzip/bz2/xz/lzma/zlib/lz4 file with bounds and scan what it holds."""
    head = source.read_at(0, 64)
    fmt = _sniff(head)
    if fmt is None:
        ctx.issue(IssueKind.MALFORMED, Severity.LOW, "not a known compressed stream")
        return
    start = _old_joblib_offset(head) if fmt == "zlib" else 0
    if start < 0:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.LOW,
            "joblib 'ZF' header without a zlib stream after it",
            symbol="zlib header",
        )
        return
    decoder = _decoder_for(fmt)
    spec = _FORMATS[fmt]
    if decoder is None:
        ctx.unscannable(
            f"{source.name}: lz4 content not scanned: the lz4 package is not installed",
            symbol="lz4 missing",
            severity=Severity.MEDIUM,
        )
        return
    stream = DecodedStream(
        source, start, source.size - start, decoder, ctx.child(spec.member, spec.name), spec.restart
    )
    reader = io.BufferedReader(stream, buffer_size=CHUNK)
    spooled = SpooledSource(
        reader, f"{source.name}!{inner_name(source.name, fmt)}", ctx.limits.max_expanded_bytes
    )
    try:
        stream.raise_if_exhausted()
        member_ctx = ctx.child(spec.member, spec.name)
        report_stream_end(stream, member_ctx, f"{fmt} stream")
        if stream.trailing:
            ctx.issue(
                IssueKind.MALFORMED,
                Severity.LOW,
                f"{stream.trailing} bytes of non-{fmt} data after the compressed stream",
                symbol="trailing data",
            )
        inner = "bomb" if stream.bomb else detect(spooled) or "unknown"
        ctx.note_member(spec.member, inner, spooled.size, scanned=not stream.bomb)
        if not stream.bomb:
            ctx.scan_member(spec.member, spooled, spec.name)
    finally:
        spooled.close()
