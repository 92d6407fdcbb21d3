"""Random-access byte sources: local files, in-memory bytes, object-store objects, members.

Scanners read through :class:`ByteSource` only. A source never reads more than it is asked
for, so a multi-GB checkpoint whose pickle sits in one small zip member costs a few reads,
and an S3 object is fetched with ranged GETs instead of being downloaded.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from stackward.collectors.sniff import open_regular

CHUNK = 1024 * 1024
HASH_CHUNK = CHUNK


class SourceError(OSError):
    """A source could not be read (I/O error, object vanished, access denied)."""


def check_range(name: str, offset: int, length: int) -> None:
    """Refuse a read that a scanner computed from corrupt lengths before it reaches I/O."""
    if offset < 0 or length < 0:
        raise SourceError(f"{name}: negative read ({offset}, {length})")


@runtime_checkable
class ByteSource(Protocol):
    """Readable bytes with a known size. ``name`` is what findings call it."""

    @property
    def name(self) -> str: ...

    @property
    def size(self) -> int: ...

    def read_at(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes starting at ``offset``; fewer only at the end."""
        ...

    def close(self) -> None: ...


class BytesSource:
    """Bytes already in memory (small members, decompressed headers, tests)."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data = memoryview(data)
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def size(self) -> int:
        return len(self._data)

    def read_at(self, offset: int, length: int) -> bytes:
        check_range(self._name, offset, length)
        return bytes(self._data[offset : offset + length])

    def close(self) -> None:
        self._data.release()


class FileSource:
    """A regular local file, opened without following it into a FIFO or device."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        self.path = path
        self._name = name or str(path)
        try:
            self._handle: BinaryIO = open_regular(path)
            self._size = os.fstat(self._handle.fileno()).st_size
        except OSError as exc:
            raise SourceError(f"{self._name}: cannot open: {exc.strerror or exc}") from None

    @property
    def name(self) -> str:
        return self._name

    @property
    def size(self) -> int:
        return self._size

    def read_at(self, offset: int, length: int) -> bytes:
        check_range(self._name, offset, length)
        try:
            return os.pread(self._handle.fileno(), length, offset)
        except OSError as exc:
            raise SourceError(f"{self._name}: read failed: {exc.strerror or exc}") from None

    def sha256(self) -> str:
        """SHA-256 of the file as opened (its first ``size`` bytes).

        Positional reads share no file offset, so this can run on another thread while
        scanners read the same file. Reads of 1 MiB into fresh buffers measured faster than
        reusing one large buffer (which page-faults on every refill on some kernels).
        """
        digest = hashlib.sha256()
        descriptor = self._handle.fileno()
        offset = 0
        try:
            while offset < self._size:
                block = os.pread(descriptor, min(HASH_CHUNK, self._size - offset), offset)
                if not block:
                    raise SourceError(f"{self._name}: file shrank while being hashed")
                digest.update(block)
                offset += len(block)
        except SourceError:
            raise
        except OSError as exc:
            raise SourceError(f"{self._name}: read failed: {exc.strerror or exc}") from None
        return digest.hexdigest()

    def close(self) -> None:
        self._handle.close()


class SliceSource:
    """A window ``[start, start + length)`` of another source (a stored zip member)."""

    def __init__(self, parent: ByteSource, start: int, length: int, name: str) -> None:
        self._parent = parent
        self._start = start
        self._length = max(0, min(length, parent.size - start))
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def size(self) -> int:
        return self._length

    def read_at(self, offset: int, length: int) -> bytes:
        check_range(self._name, offset, length)
        if offset >= self._length:
            return b""
        return self._parent.read_at(self._start + offset, min(length, self._length - offset))

    def close(self) -> None:
        """The parent owns the underlying handle."""


class SpooledSource:
    """A forward-only stream (a decompressor) made random-access by spooling it.

    Small content stays in memory; larger content goes to an unlinked temporary file. The
    caller bounds how much is read from ``stream`` (``limit``); :attr:`truncated` says
    whether the stream had more.
    """

    def __init__(self, stream: BinaryIO, name: str, limit: int, in_memory: int = 64 * CHUNK):
        self._name = name
        self._spool = tempfile.SpooledTemporaryFile(max_size=in_memory)  # noqa: SIM115
        written = 0
        self.truncated = False
        try:
            while written < limit:
                block = stream.read(min(CHUNK, limit - written))
                if not block:
                    break
                self._spool.write(block)
                written += len(block)
            else:
                self.truncated = bool(stream.read(1))
        except BaseException:
            self._spool.close()
            raise
        self._size = written

    @property
    def name(self) -> str:
        return self._name

    @property
    def size(self) -> int:
        return self._size

    def read_at(self, offset: int, length: int) -> bytes:
        check_range(self._name, offset, length)
        self._spool.seek(offset)
        return self._spool.read(length)

    def close(self) -> None:
        self._spool.close()


class SourceStream(io.RawIOBase):
    """A sequential, seekable ``BinaryIO`` view of a source for stream parsers (pickle)."""

    def __init__(self, source: ByteSource, start: int = 0) -> None:
        super().__init__()
        self._source = source
        self._pos = start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._pos = offset
        elif whence == io.SEEK_CUR:
            self._pos += offset
        else:
            self._pos = self._source.size + offset
        self._pos = max(0, self._pos)
        return self._pos

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self._source.read_at(self._pos, len(buffer))
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def buffered(source: ByteSource, start: int = 0, buffer_size: int = CHUNK) -> io.BufferedReader:
    """A buffered sequential reader over ``source`` (``read``, ``readline``, ``peek``, ``tell``)."""
    return io.BufferedReader(SourceStream(source, start), buffer_size=buffer_size)


def iter_chunks(source: ByteSource, chunk: int = 8 * CHUNK) -> Iterator[bytes]:
    """The whole source, in order, in bounded chunks (for hashing)."""
    offset = 0
    while offset < source.size:
        block = source.read_at(offset, chunk)
        if not block:
            break
        offset += len(block)
        yield block
