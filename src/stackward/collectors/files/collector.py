"""Turns walked files into assets. Content readers for some kinds add properties."""

from __future__ import annotations

from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import FileEntry
from stackward.model import Asset, AssetKind, Layer

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


class FilesCollector:
    name = NAME

    def collect(self, ctx: CollectContext) -> CollectResult:
        result = CollectResult()
        for entry in ctx.files:
            result.assets.append(file_asset(entry))
        return result
