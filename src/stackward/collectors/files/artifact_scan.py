"""Runs the model-artifact scanner on model files (and archives that may hold models)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from stackward.artifacts import scan_path
from stackward.artifacts.dispatch import detect
from stackward.artifacts.inventory import artifact_properties, limits_from, unscannable_reasons
from stackward.artifacts.signing import SignatureVerifier
from stackward.artifacts.source import FileSource, SourceError
from stackward.collectors.files.content import Reading
from stackward.collectors.walk import FileEntry
from stackward.config.schema import ArtifactSettings

_MODEL_MEMBER_FORMATS = frozenset(
    {
        "pickle",
        "pytorch-legacy",
        "npy",
        "safetensors",
        "gguf",
        "hdf5",
        "keras-config",
        "keras-metadata",
        "tf-savedmodel",
        "onnx",
    }
)


_HUB_REPO = re.compile(
    r"(?:^|/)(models|datasets|spaces)--([^/]+?)--([^/]+)/(?:snapshots/([^/]+)/|blobs/[0-9a-f]+$)"
)
_BLOB_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def hub_blobs_behind_snapshots(entries: Sequence[FileEntry]) -> set[Path]:
    """Blob files of a Hugging Face cache that a walked snapshot link already resolves to."""
    return {e.path for e in entries if "/snapshots/" in e.rel and _HUB_REPO.search(e.rel)}


def hub_cache_facts(entry: FileEntry, sha256: str | None) -> dict[str, object] | None:
    """Repository, revision and blob check for a file in a Hugging Face hub cache.

    Large files are stored as ``blobs/<sha256>``; a blob whose content no longer hashes to
    its own name was changed after download.
    """
    match = _HUB_REPO.search(entry.rel)
    if match is None:
        return None
    facts: dict[str, object] = {
        "repo": f"{match.group(2)}/{match.group(3)}",
        "repo_type": match.group(1).rstrip("s"),
    }
    if match.group(4):
        facts["revision"] = match.group(4)
    blob = entry.path.name
    if _BLOB_SHA256.match(blob) and entry.path.parent.name == "blobs":
        facts["blob"] = blob
        if sha256 is not None:
            facts["status"] = "verified" if sha256 == blob else "digest-mismatch"
    return facts


def artifact_format(entry: FileEntry) -> str | None:
    """What the artifact scanner would read ``entry`` as, from its content (``None``: nothing).

    Catches what name-and-magic sniffing does not: zlib/lzma-compressed joblib files,
    pickles named ``.txt``, archives of models, TensorFlow graphs.
    """
    try:
        source = FileSource(entry.path, name=entry.rel)
    except SourceError:
        return None
    try:
        return detect(source)
    except (SourceError, OSError):
        return None
    finally:
        source.close()


def scan_root(entry: FileEntry) -> Path:
    """The directory the walk started from (``rel`` is prefixed with its name)."""
    depth = entry.rel.count("/")
    return entry.path.parents[depth - 1] if depth >= 1 else entry.path.parent


def scan_model_file(
    entry: FileEntry, settings: ArtifactSettings, signatures: SignatureVerifier | None = None
) -> tuple[Reading, bool]:
    """Scan ``entry``; the flag says whether it turned out to hold model content."""
    reading = Reading()
    report = scan_path(
        entry.path,
        limits=limits_from(settings),
        allow_globals=tuple(settings.allow_globals),
        compute_hash=settings.hash,
        name=entry.rel,
    )
    reading.properties.update(artifact_properties(report))
    hub = hub_cache_facts(entry, report.sha256)
    if hub is not None:
        reading.properties["hub_cache"] = hub
    if signatures is not None:
        signature = signatures.status(entry.path, report.sha256, scan_root(entry))
        if signature is not None:
            reading.properties["signature"] = signature
    for reason in unscannable_reasons(report):
        reading.skip(entry, f"model artifact partly unscanned: {reason}")
    holds_models = (
        bool(report.issues)
        or report.format in _MODEL_MEMBER_FORMATS
        or any(m.format in _MODEL_MEMBER_FORMATS for m in report.members)
    )
    return reading, holds_models
