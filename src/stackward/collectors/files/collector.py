"""Turns walked files into assets; content readers add what each kind of file holds.

Every file is one asset. Notebooks, datasets, model artifacts, source code, configs and
logs are read (within ``sources.max_parse_bytes``) for properties that checks decide on;
literal paths in code and notebooks become READS / LOADS_MODEL relations to the scanned
datasets and models they name. Content that cannot be read is a Skipped, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from stackward.artifacts.signing import SignatureVerifier
from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.files.artifact_scan import (
    artifact_format,
    hub_blobs_behind_snapshots,
    scan_model_file,
)
from stackward.collectors.files.content import Reading
from stackward.collectors.files.models import read_architecture
from stackward.collectors.files.references import TargetIndex, relations_for
from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import FileEntry
from stackward.config.schema import ArtifactSettings
from stackward.model import Asset, AssetKind, Layer, Skipped

if TYPE_CHECKING:
    from stackward.code.reader import CodeInventory

NAME = "files"

_PLACEMENT: dict[FileKind, tuple[AssetKind, Layer, bool]] = {
    FileKind.MODEL_ARTIFACT: (AssetKind.MODEL_ARTIFACT, Layer.CORE_AI, True),
    FileKind.NOTEBOOK: (AssetKind.NOTEBOOK, Layer.EXPERIMENTATION, False),
    FileKind.DATASET: (AssetKind.DATASET, Layer.DATA_FOUNDATION, True),
    FileKind.K8S_MANIFEST: (AssetKind.IAC_FILE, Layer.INFRASTRUCTURE, False),
    FileKind.TERRAFORM_PLAN: (AssetKind.IAC_FILE, Layer.INFRASTRUCTURE, False),
    FileKind.TERRAFORM_SOURCE: (AssetKind.IAC_FILE, Layer.INFRASTRUCTURE, False),
    FileKind.SOURCE_CODE: (AssetKind.SOURCE_FILE, Layer.SUPPORTIVE, False),
    FileKind.CONFIG: (AssetKind.CONFIG_FILE, Layer.SUPPORTIVE, False),
    FileKind.LOG: (AssetKind.LOG_FILE, Layer.LOGGING_MONITORING, False),
    FileKind.DOCUMENT: (AssetKind.DOCUMENT_FILE, Layer.SUPPORTIVE, False),
    FileKind.BINARY: (AssetKind.OTHER_FILE, Layer.SUPPORTIVE, False),
    FileKind.OTHER: (AssetKind.OTHER_FILE, Layer.SUPPORTIVE, False),
}

Reader = Callable[[FileEntry, int], Reading]


def _notebook_reader() -> Reader:
    from stackward.collectors.files.notebooks import read_notebook

    return read_notebook


def _dataset_reader() -> Reader:
    from stackward.collectors.files.datasets import read_dataset

    return read_dataset


def _model_reader() -> Reader:
    from stackward.collectors.files.models import read_model

    return read_model


def _code_reader() -> Reader:
    from stackward.collectors.files.configs import read_code_or_config

    return read_code_or_config


def _log_reader() -> Reader:
    from stackward.collectors.files.logs import read_log

    return read_log


_READERS: dict[FileKind, Callable[[], Reader]] = {
    FileKind.NOTEBOOK: _notebook_reader,
    FileKind.DATASET: _dataset_reader,
    FileKind.MODEL_ARTIFACT: _model_reader,
    FileKind.SOURCE_CODE: _code_reader,
    FileKind.CONFIG: _code_reader,
    FileKind.LOG: _log_reader,
}
"""The reader of each kind, imported on first use so that a model-only scan does not load
the notebook, dataset, log and secret readers."""
_PROBED_KINDS = frozenset({FileKind.BINARY, FileKind.OTHER, FileKind.DOCUMENT})
"""Kinds whose content is also checked for model formats in a full scan (``scan-model``
checks every file)."""
_REFERRING_KINDS = {FileKind.NOTEBOOK, FileKind.SOURCE_CODE, FileKind.CONFIG}


def file_asset_id(entry: FileEntry) -> str:
    return f"file:{entry.rel}"


def file_asset(entry: FileEntry, **properties: object) -> Asset:
    kind, layer, sensitive = _PLACEMENT[entry.kind]
    return Asset(
        id=file_asset_id(entry),
        kind=kind,
        layer=layer,
        name=entry.rel.rsplit("/", 1)[-1],
        source=entry.rel,
        properties={
            "path": entry.rel,
            "size": entry.size,
            "file_kind": entry.kind.value,
            "format": entry.detail,
            **properties,
        },
        sensitive=sensitive,
    )


def read_content(entry: FileEntry, limit: int) -> Reading:
    """The reader for this kind of file; a reader bug becomes a Skipped naming the file."""
    reader = _reader(entry.kind)
    if reader is None:
        return Reading()
    try:
        return reader(entry, limit)
    except Exception as exc:  # one malformed file must not end the collection
        reading = Reading()
        reading.skip(entry, f"content reader failed: {type(exc).__name__}: {exc}")
        return reading


def _reader(kind: FileKind) -> Reader | None:
    loader = _READERS.get(kind)
    return None if loader is None else loader()


def _hf_configs(entries: list[FileEntry]) -> dict[str, FileEntry]:
    """``config.json`` files by directory, for naming the architecture of weights there."""
    return {
        e.rel.rsplit("/", 1)[0]: e
        for e in entries
        if e.rel.rsplit("/", 1)[-1] == "config.json" and e.kind is FileKind.CONFIG
    }


class FilesCollector:
    name = NAME
    models_only = False

    def collect(self, ctx: CollectContext) -> CollectResult:
        result = CollectResult()
        limit = ctx.config.sources.max_parse_bytes
        entries = list(ctx.files)
        index = TargetIndex(entries)
        configs = _hf_configs(entries)
        settings = ctx.config.artifacts
        signatures = SignatureVerifier(settings.signing)
        linked_blobs = hub_blobs_behind_snapshots(entries)
        code = None if self.models_only else _code_inventory(ctx)
        for entry in entries:
            if entry.path in linked_blobs and "/blobs/" in entry.rel:
                continue  # the snapshot link that resolves to it is the asset
            probe = entry.kind is not FileKind.MODEL_ARTIFACT and (
                self.models_only or entry.kind in _PROBED_KINDS
            )
            found = artifact_format(entry) if probe else None
            if self.models_only and entry.kind is not FileKind.MODEL_ARTIFACT and found is None:
                continue
            scanned: Reading | None = None
            if found is not None:
                scanned, holds_models = _scan_artifact(entry, settings, signatures)
                if holds_models:
                    entry = replace(
                        entry, kind=FileKind.MODEL_ARTIFACT, detail=f"{found} (by content)"
                    )
                else:
                    scanned = None
            elif entry.kind is FileKind.MODEL_ARTIFACT:
                scanned, _ = _scan_artifact(entry, settings, signatures)
            reading = read_content(entry, limit)
            if code is not None:
                result.relations.extend(code.read(entry, file_asset_id(entry), limit, reading))
            if entry.kind is FileKind.MODEL_ARTIFACT:
                _add_architecture(entry, configs, limit, reading)
                if scanned is not None:
                    reading.properties.update(scanned.properties)
                    reading.skipped.extend(scanned.skipped)
            asset = file_asset(entry, **reading.properties)
            result.assets.append(asset)
            result.skipped.extend(reading.skipped)
            if entry.kind in _REFERRING_KINDS and reading.references:
                result.relations.extend(relations_for(entry, asset.id, reading.references, index))
        if code is not None:
            result.assets.extend(code.assets())
        return result


def _code_inventory(ctx: CollectContext) -> CodeInventory | None:
    """The AI bill of materials reader (``sources.code``), imported only when enabled."""
    settings = ctx.config.sources.code
    if not settings.enabled:
        return None
    from stackward.code.reader import CodeInventory

    return CodeInventory(settings)


class ModelFilesCollector(FilesCollector):
    """Only the model artifacts among the walked files (``stackward scan-model``)."""

    models_only = True


def _scan_artifact(
    entry: FileEntry, settings: ArtifactSettings, signatures: SignatureVerifier
) -> tuple[Reading, bool]:
    try:
        return scan_model_file(entry, settings, signatures)
    except Exception as exc:  # a scanner bug must not lose the file or the rest of the scan
        reading = Reading()
        reading.skip(entry, f"model artifact scanner failed: {type(exc).__name__}: {exc}")
        return reading, entry.kind is FileKind.MODEL_ARTIFACT


def _add_architecture(
    entry: FileEntry, configs: dict[str, FileEntry], limit: int, reading: Reading
) -> None:
    config = configs.get(entry.rel.rsplit("/", 1)[0])
    if config is None:
        return
    try:
        found = read_architecture(config, limit)
    except Exception as exc:  # a broken sidecar must not hide the model itself
        reading.skipped.append(
            Skipped(config.rel, f"model config not read: {type(exc).__name__}", NAME)
        )
        return
    reading.properties.update(found.properties)
