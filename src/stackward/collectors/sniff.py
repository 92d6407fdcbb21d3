"""Says what a file is from its first bytes first, its name second.

Model artifacts are recognised by magic bytes and archive layout, so a pickle renamed to
``.txt`` or a PyTorch zip named ``weights.bin`` is still a model artifact.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import struct
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

HEAD_BYTES = 8192


class FileKind(StrEnum):
    MODEL_ARTIFACT = "model_artifact"
    NOTEBOOK = "notebook"
    DATASET = "dataset"
    K8S_MANIFEST = "k8s_manifest"
    TERRAFORM_PLAN = "terraform_plan"
    TERRAFORM_SOURCE = "terraform_source"
    SOURCE_CODE = "source_code"
    CONFIG = "config"
    LOG = "log"
    DOCUMENT = "document"
    BINARY = "binary"
    OTHER = "other"


_CODE_EXT = {
    ".py",
    ".pyi",
    ".js",
    ".ts",
    ".tsx",
    ".jsx",
    ".go",
    ".java",
    ".scala",
    ".kt",
    ".rs",
    ".r",
    ".jl",
    ".sql",
    ".sh",
    ".bash",
    ".c",
    ".cc",
    ".cpp",
    ".h",
    ".hpp",
    ".rb",
    ".php",
    ".cs",
    ".swift",
    ".m",
    ".lua",
    ".pl",
}
_DATASET_EXT = {
    ".csv",
    ".tsv",
    ".parquet",
    ".jsonl",
    ".ndjson",
    ".arrow",
    ".feather",
    ".avro",
    ".orc",
    ".xlsx",
    ".xls",
}
_MODEL_EXT = {
    ".pt",
    ".pth",
    ".ckpt",
    ".pkl",
    ".pickle",
    ".joblib",
    ".safetensors",
    ".gguf",
    ".onnx",
    ".h5",
    ".hdf5",
    ".keras",
    ".npy",
    ".npz",
    ".pb",
    ".tflite",
    ".mlmodel",
    ".dill",
}
_CONFIG_EXT = {".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".env", ".properties"}
_DOC_EXT = {".md", ".rst", ".txt", ".html", ".pdf", ".adoc"}
_LOG_EXT = {".log"}

_K8S_MARKERS = re.compile(rb"^\s*[\"']?apiVersion[\"']?\s*:", re.MULTILINE)
_K8S_KIND = re.compile(rb"^\s*[\"']?kind[\"']?\s*:", re.MULTILINE)
_HELM_TEMPLATE = re.compile(rb"\{\{-?\s")
_JUPYTER_CONFIG = re.compile(r"^jupyter_(?:server|notebook|lab)_config\.(?:py|json)$")


_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CENTRAL_HEADER = struct.Struct("<4s6H3L5H2L")
_PICKLED_MEMBER = (".pkl", ".pickle", ".pt", ".pth", ".ckpt", ".joblib", ".dill")
MAX_ZIP_NAMES = 5000
MAX_CENTRAL_DIRECTORY_BYTES = 8 * 1024 * 1024
"""Listing an archive reads at most this much of its central directory, whatever it claims."""


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for binary reading, but only if it is a regular file.

    The open never blocks: a file swapped for a FIFO after the walk stat'ed it would
    otherwise hang the scan waiting for a writer. Anything that is not a regular file
    raises :class:`OSError` like any other unreadable file.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _zip_directory_span(handle: BinaryIO, size: int) -> tuple[int, int] | None:
    """Offset and length of the central directory, from the end-of-directory records."""
    tail_len = min(size, _EOCD.size + 0xFFFF)
    handle.seek(size - tail_len)
    tail = handle.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at == -1 or at + _EOCD.size > len(tail):
        return None
    _, _, _, _, entries, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, at)
    if 0xFFFFFFFF in (cd_size, cd_offset) or entries == 0xFFFF:
        locator_at = at - _ZIP64_LOCATOR.size
        if locator_at < 0:
            return None
        sig, _, eocd64_offset, _ = _ZIP64_LOCATOR.unpack_from(tail, locator_at)
        if sig != b"PK\x06\x07" or eocd64_offset + _ZIP64_EOCD.size > size:
            return None
        handle.seek(eocd64_offset)
        record = handle.read(_ZIP64_EOCD.size)
        if len(record) < _ZIP64_EOCD.size or record[:4] != b"PK\x06\x06":
            return None
        *_, cd_size, cd_offset = _ZIP64_EOCD.unpack(record)
    if cd_offset + cd_size > size:
        return None
    return cd_offset, cd_size


def zip_names(path: Path, size: int, max_names: int = MAX_ZIP_NAMES) -> list[str] | None:
    """Member names of a zip archive, read from its central directory with hard bounds.

    Nothing is extracted or decompressed, and a central directory that claims millions of
    entries costs at most ``MAX_CENTRAL_DIRECTORY_BYTES`` of reading. ``None`` means the
    file is not a readable zip archive.
    """
    with open_regular(path) as handle:
        span = _zip_directory_span(handle, size)
        if span is None:
            return None
        offset, length = span
        handle.seek(offset)
        directory = handle.read(min(length, MAX_CENTRAL_DIRECTORY_BYTES))
    names: list[str] = []
    at = 0
    while len(names) < max_names and at + _CENTRAL_HEADER.size <= len(directory):
        fields = _CENTRAL_HEADER.unpack_from(directory, at)
        if fields[0] != b"PK\x01\x02":
            break
        name_len, extra_len, comment_len = fields[10], fields[11], fields[12]
        start = at + _CENTRAL_HEADER.size
        names.append(directory[start : start + name_len].decode("utf-8", errors="replace"))
        at = start + name_len + extra_len + comment_len
    return names


def _zip_layout(path: Path, size: int) -> str | None:
    try:
        names = zip_names(path, size)
    except (OSError, struct.error, ValueError):
        return None
    if not names:
        return None
    if any(n.endswith("data.pkl") for n in names):
        return "pytorch zip"
    if "config.json" in names and any(n.endswith(".weights.h5") for n in names):
        return "keras zip"
    if any(n.endswith(".npy") for n in names):
        return "numpy npz"
    if any(n.endswith(_PICKLED_MEMBER) for n in names):
        return "archive of pickled models"
    if any(n.endswith((".safetensors", ".onnx", ".gguf")) for n in names):
        return "archive of models"
    return None


def _model_magic(head: bytes, path: Path, size: int) -> str | None:
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(b"\x93NUMPY"):
        return "numpy npy"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "hdf5"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return f"pickle protocol {head[1]}"
    if len(head) > 10 and size > 8:
        header_len = int.from_bytes(head[:8], "little")
        if 2 <= header_len <= size - 8 and head[8:10] in (b'{"', b"{ "):
            return "safetensors"
    if head.startswith(b"PK\x03\x04"):
        return _zip_layout(path, size)
    if path.name == "saved_model.pb":
        return "tensorflow savedmodel"
    suffix = path.suffix.lower()
    if suffix in {".pkl", ".pickle", ".joblib", ".dill"} and head[:1] in (b"(", b"c", b"]", b"}"):
        return "pickle protocol 0/1"
    if suffix == ".onnx" and head[:1] == b"\x08":
        return "onnx"
    return None


def sniff(path: Path, size: int) -> tuple[FileKind, str]:
    """Return the kind of file and a short description of what identified it."""
    with open_regular(path) as handle:
        head = handle.read(HEAD_BYTES)
    suffix = path.suffix.lower()
    model = _model_magic(head, path, size)
    if model is not None:
        return FileKind.MODEL_ARTIFACT, model
    if head.startswith(b"PAR1"):
        return FileKind.DATASET, "parquet"
    if suffix == ".ipynb" or (suffix == ".json" and b'"nbformat"' in head and b'"cells"' in head):
        return FileKind.NOTEBOOK, "jupyter notebook"
    if b"\x00" in head:
        if suffix in _MODEL_EXT:
            return FileKind.MODEL_ARTIFACT, f"unrecognised content with model extension {suffix}"
        return FileKind.BINARY, "binary content"
    if (
        suffix == ".json"
        and b'"format_version"' in head
        and (b'"planned_values"' in head or b'"values"' in head or b'"terraform_version"' in head)
    ):
        return FileKind.TERRAFORM_PLAN, "terraform show -json"
    if suffix in {".tf", ".tfvars", ".hcl"}:
        return FileKind.TERRAFORM_SOURCE, "terraform source"
    if (
        suffix in {".yaml", ".yml", ".json"}
        and _K8S_MARKERS.search(head)
        and _K8S_KIND.search(head)
    ):
        if _HELM_TEMPLATE.search(head):
            return FileKind.CONFIG, "helm template (unrendered)"
        return FileKind.K8S_MANIFEST, "kubernetes manifest"
    if suffix in _LOG_EXT or (suffix == ".jsonl" and "log" in path.name):
        return FileKind.LOG, "log"
    if suffix in _DATASET_EXT or (suffix == ".json" and head.lstrip()[:2] == b"[{"):
        return FileKind.DATASET, suffix.lstrip(".") or "records"
    if suffix in _MODEL_EXT:
        return FileKind.MODEL_ARTIFACT, f"unrecognised content with model extension {suffix}"
    if _JUPYTER_CONFIG.match(path.name):
        return FileKind.CONFIG, "jupyter server config"
    if suffix in _CODE_EXT or path.name in {"Dockerfile", "Makefile", "Jenkinsfile"}:
        return FileKind.SOURCE_CODE, suffix.lstrip(".") or path.name
    if path.name == ".env" or path.name.startswith(".env."):
        return FileKind.CONFIG, "dotenv"
    if suffix in _CONFIG_EXT:
        return FileKind.CONFIG, suffix.lstrip(".")
    if suffix in _DOC_EXT:
        return FileKind.DOCUMENT, suffix.lstrip(".")
    return FileKind.OTHER, suffix.lstrip(".") or "no extension"
