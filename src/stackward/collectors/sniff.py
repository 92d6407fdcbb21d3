"""Says what a file is from its first bytes first, its name second.

Model artifacts are recognised by magic bytes and archive layout, so a pickle renamed to
``.txt`` or a PyTorch zip named ``weights.bin`` is still a model artifact.
"""

from __future__ import annotations

import re
import zipfile
from enum import StrEnum
from pathlib import Path

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


def _zip_layout(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()[:5000]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if any(n.endswith("data.pkl") for n in names):
        return "pytorch zip"
    if "config.json" in names and any(n.endswith(".weights.h5") for n in names):
        return "keras zip"
    if any(n.endswith(".npy") for n in names):
        return "numpy npz"
    if any(n.endswith((".pkl", ".pt", ".safetensors", ".onnx", ".gguf", ".joblib")) for n in names):
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
        return _zip_layout(path)
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
    with path.open("rb") as handle:
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
    if suffix in _CODE_EXT or path.name in {"Dockerfile", "Makefile", "Jenkinsfile"}:
        return FileKind.SOURCE_CODE, suffix.lstrip(".") or path.name
    if suffix in _CONFIG_EXT or path.name.startswith(".env"):
        return FileKind.CONFIG, suffix.lstrip(".") or "dotenv"
    if suffix in _DOC_EXT:
        return FileKind.DOCUMENT, suffix.lstrip(".")
    return FileKind.OTHER, suffix.lstrip(".") or "no extension"
