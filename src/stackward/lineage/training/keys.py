"""Dataset keys for training lineage, spelt as the shared convention requires.

A stand-in for ``stackward.lineage.naming`` with the same function names and results for the
schemes training metadata uses (S3, local files, other URLs); importers switch to that module
by changing one import.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

_S3_SCHEMES = ("s3", "s3a", "s3n")
_LOCAL_HOSTS = ("", "localhost")


def dataset_key_for_s3(bucket: str, key: str = "") -> str:
    """``s3://bucket/key``; a bucket alone (empty key) is ``s3://bucket``."""
    clean = key.strip("/")
    return f"s3://{bucket}/{clean}" if clean else f"s3://{bucket}"


def dataset_key_for_path(path: str | os.PathLike[str]) -> str:
    """``file://`` and the absolute, normalised path (symbolic links are not resolved)."""
    absolute = os.path.normpath(Path(path).absolute())
    return f"file://{Path(absolute).as_posix()}"


def normalise_dataset_key(uri: str) -> str:
    """The canonical spelling of a dataset URI; unknown schemes are returned stripped."""
    uri = uri.strip()
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in _S3_SCHEMES and parts.netloc:
        return dataset_key_for_s3(parts.netloc, parts.path)
    if scheme == "file":
        path = _clean_path(parts.path or "/")
        return f"file://{path}" if parts.netloc in _LOCAL_HOSTS else f"file://{parts.netloc}{path}"
    return uri.rstrip("/") if "://" in uri and not uri.endswith("://") else uri


def _clean_path(path: str) -> str:
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/") if cleaned != "/" else "/"
