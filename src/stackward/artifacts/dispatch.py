"""Pick the scanner for a piece of content by what it is, never by its name alone."""

from __future__ import annotations

import importlib
import re
import struct
from collections.abc import Callable

from stackward.artifacts.context import BudgetExceeded, ScanContext
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import ByteSource, SourceError
from stackward.model import Severity

Scanner = Callable[[ByteSource, ScanContext], None]

HEAD = 4096
TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"
"""``pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)``: the first pickle of a legacy
(pre-zip) ``torch.save`` file."""
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
HDF5_SUPERBLOCK_OFFSETS = (0, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536)
"""HDF5 allows a user block before the superblock at 0 or any power of two from 512."""

SCANNERS: dict[str, str] = {
    "pickle": "stackward.artifacts.formats.pickle_file:scan_pickle",
    "pytorch-legacy": "stackward.artifacts.formats.pickle_file:scan_pytorch_legacy",
    "zip": "stackward.artifacts.formats.zip_archive:scan_zip",
    "tar": "stackward.artifacts.formats.tar_archive:scan_tar",
    "gzip": "stackward.artifacts.formats.compressed:scan_compressed",
    "bz2": "stackward.artifacts.formats.compressed:scan_compressed",
    "xz": "stackward.artifacts.formats.compressed:scan_compressed",
    "lzma": "stackward.artifacts.formats.compressed:scan_compressed",
    "lz4": "stackward.artifacts.formats.compressed:scan_compressed",
    "zlib": "stackward.artifacts.formats.compressed:scan_compressed",
    "7z": "stackward.artifacts.formats.sevenzip:scan_7z",
    "npy": "stackward.artifacts.formats.numpy_format:scan_npy",
    "safetensors": "stackward.artifacts.formats.safetensors:scan_safetensors",
    "gguf": "stackward.artifacts.formats.gguf:scan_gguf",
    "hdf5": "stackward.artifacts.formats.keras:scan_hdf5",
    "keras-config": "stackward.artifacts.formats.keras:scan_keras_config",
    "keras-metadata": "stackward.artifacts.formats.keras:scan_keras_metadata",
    "tf-savedmodel": "stackward.artifacts.formats.tensorflow:scan_saved_model",
    "onnx": "stackward.artifacts.formats.onnx:scan_onnx",
}
"""Format name -> ``module:function``. Imported on first use so a broken optional
dependency (py7zr, lz4) costs only the formats that need it."""

ZLIB_SECOND = (0x01, 0x5E, 0x9C, 0xDA)
"""Second byte of a zlib header for each compression level (the first is 0x78)."""
LZMA_ALONE = b"]\x00\x00"
_JSON_CONFIG = re.compile(rb'^\s*\{.{0,2048}?"(?:class_name|module|registered_name)"\s*:', re.S)
_EOCD = b"PK\x05\x06"
_ZIP_AWARE = frozenset(
    {"zip", "7z", "gzip", "bz2", "xz", "lzma", "lz4", "zlib", "tar", "safetensors"}
)
"""Formats whose scanners already handle (or cannot contain) a trailing zip directory."""


def _is_safetensors(head: bytes, size: int) -> bool:
    if len(head) < 10 or size < 10:
        return False
    header_len = struct.unpack_from("<Q", head)[0]
    if head[8:9] != b"{" or header_len < 2:
        return False
    if header_len <= size - 8:
        return True
    # A header length past the end is a malformed safetensors file (the scanner says so),
    # unless the bytes are a pickle that happens to have "{" at offset 8.
    return not (head[0] == 0x80 and 2 <= head[1] <= 5)


def _has_zip_directory(source: ByteSource) -> bool:
    """A zip whose first bytes are something else (a polyglot) still has its end record."""
    tail = source.read_at(max(0, source.size - (22 + 0xFFFF)), 22 + 0xFFFF)
    if _EOCD not in tail:
        return False
    try:
        module = importlib.import_module("stackward.artifacts.formats.zip_archive")
    except ImportError:
        return True
    probe: Callable[[ByteSource], bool] = module.has_valid_directory
    return probe(source)


def _looks_like_pickle(head: bytes) -> bool:
    try:
        module = importlib.import_module("stackward.artifacts.pickle.sniff")
    except ImportError:
        return False
    probe: Callable[[bytes], bool] = module.looks_like_pickle
    return probe(head)


def _looks_like_onnx(head: bytes) -> bool:
    try:
        module = importlib.import_module("stackward.artifacts.formats.onnx")
    except ImportError:
        return False
    probe: Callable[[bytes], bool] = module.looks_like_onnx
    return probe(head)


def compression_of(head: bytes) -> str | None:
    """The compressed-stream format whose magic ``head`` starts with. The lzma-alone format
    has no real magic (``LZMA_ALONE`` is only its usual properties byte), so it is left to
    callers that have another hint."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and len(head) > 4 and head[4:10] == b"1AY&SY":
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x04\x22\x4d\x18"):
        return "lz4"
    if head.startswith(b"ZF0x"):
        return "zlib"
    if len(head) >= 2 and head[0] == 0x78 and head[1] in ZLIB_SECOND:
        return "zlib"
    return None


def detect(source: ByteSource, container: str = "") -> str | None:
    """The format of ``source`` from its content; the name only breaks ties between
    formats that have no magic bytes (protobuf, protocol-0 pickles)."""
    head = source.read_at(0, HEAD)
    name = source.name.rsplit("!", 1)[-1].rsplit("/", 1)[-1].lower()
    if head.startswith(TORCH_LEGACY_MAGIC):
        return "pytorch-legacy"
    if head.startswith(HDF5_MAGIC):
        return "hdf5"
    if container == "keras-zip" and name == "config.json":
        return "keras-config"
    if _is_safetensors(head, source.size):
        return "safetensors"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return "pickle"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    compression = compression_of(head)
    if compression is not None:
        return compression
    if head.startswith(LZMA_ALONE) and name.endswith((".lzma", ".joblib", ".pkl")):
        return "lzma"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    for offset in HDF5_SUPERBLOCK_OFFSETS:
        if offset == 0 and head.startswith(HDF5_MAGIC):
            return "hdf5"
        if offset and offset < source.size and source.read_at(offset, 8) == HDF5_MAGIC:
            return "hdf5"
    if name == "keras_metadata.pb":
        return "keras-metadata"
    if name == "saved_model.pb" or (name.endswith(".pb") and head[:1] == b"\x08"):
        return "tf-savedmodel"
    if name.endswith(".onnx") or _looks_like_onnx(head):
        return "onnx"
    if _JSON_CONFIG.match(head):
        return "keras-config"
    if source.size >= 22 and _has_zip_directory(source):
        return "zip"
    if name.endswith(".tar") and source.size >= 512:
        return "tar"
    if _looks_like_pickle(head):
        return "pickle"
    return None


def _load(fmt: str) -> Scanner:
    module_name, _, function = SCANNERS[fmt].partition(":")
    scanner: Scanner = getattr(importlib.import_module(module_name), function)
    return scanner


def scan_source(source: ByteSource, ctx: ScanContext) -> str | None:
    """Detect ``source`` and run its scanner. Failures become issues, never exceptions."""
    try:
        ctx.check_time()
        fmt = detect(source, ctx.container)
    except BudgetExceeded as exc:
        ctx.unscannable(f"not scanned: {exc}", severity=Severity.MEDIUM)
        return None
    except (SourceError, OSError) as exc:
        ctx.unscannable(f"cannot read: {exc}", severity=Severity.MEDIUM)
        return None
    if fmt is None:
        return None
    if ctx.depth == 0:
        ctx.report.format = fmt
    try:
        scanner = _load(fmt)
    except (ImportError, AttributeError) as exc:
        ctx.unscannable(
            f"{fmt} content not scanned: scanner unavailable ({exc})", severity=Severity.MEDIUM
        )
        return fmt
    try:
        scanner(source, ctx)
        if fmt not in _ZIP_AWARE and source.size >= 22 and _has_zip_directory(source):
            ctx.issue(
                IssueKind.ARCHIVE_HAZARD,
                Severity.HIGH,
                f"polyglot: the file is {fmt} content and also a zip archive; loaders that"
                " probe for zip first see different content than loaders that do not",
                symbol="polyglot zip",
            )
            _load("zip")(source, ctx)
    except BudgetExceeded as exc:
        ctx.unscannable(f"scan stopped early: {exc}", severity=Severity.MEDIUM)
    except (SourceError, OSError) as exc:
        ctx.unscannable(f"read failed while scanning {fmt}: {exc}", severity=Severity.MEDIUM)
    except RecursionError:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.MEDIUM,
            f"{fmt} structure nested too deeply to analyse",
            symbol="recursion",
        )
    except Exception as exc:  # a scanner bug must never lose the rest of the artifact
        ctx.unscannable(
            f"{fmt} scanner failed: {type(exc).__name__}: {exc}", severity=Severity.MEDIUM
        )
    return fmt
