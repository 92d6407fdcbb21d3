"""Scans the model artifacts under the configured ``s3://`` URIs, read-only, without
downloading whole objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stackward.artifacts import scan_artifact
from stackward.artifacts.dispatch import detect
from stackward.artifacts.inventory import artifact_properties, limits_from, unscannable_reasons
from stackward.artifacts.s3 import (
    S3Location,
    S3Object,
    S3Source,
    head_object,
    list_objects,
    make_client,
)
from stackward.artifacts.source import SourceError
from stackward.collectors.base import CollectContext, CollectResult
from stackward.collectors.sniff import _MODEL_EXT
from stackward.config.schema import ArtifactSettings, ObjectStoreSource
from stackward.model import Asset, AssetKind, Layer, Skipped

NAME = "objectstore"
MAX_OBJECTS_PER_SOURCE = 100_000
_ARCHIVE_EXT = (".zip", ".tar", ".gz", ".tgz", ".7z", ".bz2", ".xz", ".lz4")


def object_asset_id(location: S3Location) -> str:
    return f"s3:{location.bucket}/{location.key}"


def _suffix(key: str) -> str:
    name = key.rsplit("/", 1)[-1].lower()
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _has_model_extension(key: str) -> bool:
    return _suffix(key) in _MODEL_EXT


def _single_object(client: Any, root: S3Location) -> S3Object | None:
    """The object a URI names exactly; ``None`` for a bucket, a ``prefix/`` or a key prefix."""
    if not root.key or root.key.endswith("/"):
        return None
    try:
        return head_object(client, root)
    except SourceError:
        return None


def _worth_sniffing(key: str) -> bool:
    """Worth a HeadObject and a first ranged read; the content then decides."""
    name, suffix = key.rsplit("/", 1)[-1].lower(), _suffix(key)
    return suffix in _MODEL_EXT or name.endswith(_ARCHIVE_EXT) or not suffix or suffix == ".pb"


ClientFactory = Callable[[str | None, str | None, str | None], Any]
"""``(endpoint_url, region, profile) -> S3 client``."""


class ObjectStoreCollector:
    name = NAME

    def __init__(self, client_factory: ClientFactory = make_client) -> None:
        self._client_factory = client_factory

    def collect(self, ctx: CollectContext) -> CollectResult:
        result = CollectResult()
        settings = ctx.config.artifacts
        for store in settings.object_stores:
            try:
                self._collect_store(store, settings, result)
            except Exception as exc:  # one unreachable store must not end the scan
                result.skipped.append(
                    Skipped(store.uri, f"object store not read: {type(exc).__name__}: {exc}", NAME)
                )
        return result

    def _collect_store(
        self, store: ObjectStoreSource, settings: ArtifactSettings, result: CollectResult
    ) -> None:
        client = self._client_factory(store.endpoint_url, store.region, store.profile)
        root = S3Location.parse(store.uri)
        single = _single_object(client, root)
        if single is not None:
            self._scan_object(client, single, settings, result)
            return
        for location in list_objects(client, root, MAX_OBJECTS_PER_SOURCE):
            if not _worth_sniffing(location.key):
                continue
            try:
                obj = head_object(client, location)
            except SourceError as exc:  # gone or unreadable since the listing: skip just it
                result.skipped.append(Skipped(location.uri, str(exc), NAME))
                continue
            self._scan_object(client, obj, settings, result)

    def _scan_object(
        self, client: Any, obj: S3Object, settings: ArtifactSettings, result: CollectResult
    ) -> None:
        source = S3Source(client, obj)
        try:
            # Content no scanner recognises is a model artifact only when its name says
            # so; an extensionless LICENSE or a stray archive is not one.
            if detect(source) is None and not _has_model_extension(obj.location.key):
                return
            report = scan_artifact(
                source,
                limits=limits_from(settings),
                allow_globals=tuple(settings.allow_globals),
                compute_hash=False,
            )
        except SourceError as exc:
            result.skipped.append(Skipped(obj.location.uri, str(exc), NAME))
            return
        finally:
            source.close()
        report.sha256 = obj.sha256
        properties: dict[str, object] = {
            "path": obj.location.uri,
            "size": obj.size,
            "format": report.format,
            "etag": obj.etag,
            "content_digest": obj.sha256 or f"etag:{obj.etag}",
            "bytes_fetched": source.bytes_fetched,
            "range_requests": source.requests,
            **artifact_properties(report),
        }
        if obj.version_id:
            properties["version_id"] = obj.version_id
        result.assets.append(
            Asset(
                id=object_asset_id(obj.location),
                kind=AssetKind.MODEL_ARTIFACT,
                layer=Layer.CORE_AI,
                name=obj.location.key.rsplit("/", 1)[-1],
                source=obj.location.uri,
                properties=properties,
                sensitive=True,
            )
        )
        for reason in unscannable_reasons(report):
            result.skipped.append(
                Skipped(obj.location.uri, f"model artifact partly unscanned: {reason}", NAME)
            )
