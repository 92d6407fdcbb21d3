"""Model artifacts in S3-compatible object stores, read with ranged GETs.

Only the bytes a scanner asks for are fetched (in aligned blocks, with a small cache), so
a 10 GB safetensors file costs two small requests and a PyTorch checkpoint costs its zip
directory and its pickle member. Every call is read-only (HeadObject, GetObject,
ListObjectsV2).
"""

from __future__ import annotations

import base64
import binascii
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from stackward.artifacts.source import SourceError, check_range

BLOCK = 1024 * 1024
CACHED_BLOCKS = 16


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str) -> S3Location:
        parsed = urlparse(uri)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"{uri!r} is not an s3://bucket/key URI")
        return cls(parsed.netloc, parsed.path.lstrip("/"))

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True, slots=True)
class S3Object:
    location: S3Location
    size: int
    etag: str
    version_id: str | None
    sha256: str | None
    """Hex SHA-256 from the object's full-object checksum, when the store kept one."""


def make_client(endpoint_url: str | None, region: str | None, profile: str | None) -> Any:
    import boto3  # type: ignore[import-untyped,unused-ignore]
    from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

    session = boto3.session.Session(profile_name=profile, region_name=region)
    return session.client(
        "s3",
        endpoint_url=endpoint_url,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, signature_version="s3v4"),
    )


def _sha256_from_checksum(value: object) -> str | None:
    """``ChecksumSHA256`` is base64; multipart uploads give a composite ``…-N`` value."""
    if not isinstance(value, str) or "-" in value:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == 32 else None


def head_object(client: Any, location: S3Location) -> S3Object:
    try:
        head = client.head_object(Bucket=location.bucket, Key=location.key, ChecksumMode="ENABLED")
    except Exception as exc:
        raise SourceError(f"{location.uri}: cannot read object metadata: {exc}") from None
    return S3Object(
        location=location,
        size=int(head.get("ContentLength", 0)),
        etag=str(head.get("ETag", "")).strip('"'),
        version_id=head.get("VersionId"),
        sha256=_sha256_from_checksum(head.get("ChecksumSHA256")),
    )


def list_objects(client: Any, location: S3Location, limit: int) -> Iterator[S3Location]:
    """Keys under a prefix (``s3://bucket/prefix/``), at most ``limit`` of them."""
    paginator = client.get_paginator("list_objects_v2")
    seen = 0
    for page in paginator.paginate(Bucket=location.bucket, Prefix=location.key):
        for item in page.get("Contents", []):
            key = str(item.get("Key", ""))
            if key.endswith("/"):
                continue
            yield S3Location(location.bucket, key)
            seen += 1
            if seen >= limit:
                return


class S3Source:
    """A :class:`ByteSource` over one object, pinned to the version first seen."""

    def __init__(self, client: Any, obj: S3Object) -> None:
        self._client = client
        self._obj = obj
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self.bytes_fetched = 0
        self.requests = 0

    @property
    def name(self) -> str:
        return self._obj.location.uri

    @property
    def size(self) -> int:
        return self._obj.size

    def _block(self, index: int) -> bytes:
        cached = self._blocks.get(index)
        if cached is not None:
            self._blocks.move_to_end(index)
            return cached
        start = index * BLOCK
        end = min(self.size, start + BLOCK) - 1
        data = self._get(start, end)
        self._blocks[index] = data
        if len(self._blocks) > CACHED_BLOCKS:
            self._blocks.popitem(last=False)
        return data

    def _pin(self) -> dict[str, str]:
        """Every read names the object version first seen (or, in an unversioned bucket,
        its ETag), so an object replaced mid-scan fails the read instead of mixing bytes."""
        if self._obj.version_id:
            return {"VersionId": self._obj.version_id}
        return {"IfMatch": f'"{self._obj.etag}"'} if self._obj.etag else {}

    def _get(self, start: int, end: int) -> bytes:
        wanted = end - start + 1
        try:
            response = self._client.get_object(
                Bucket=self._obj.location.bucket,
                Key=self._obj.location.key,
                Range=f"bytes={start}-{end}",
                **self._pin(),
            )
            body = response["Body"]
            try:
                # One byte more than asked: a store that ignores Range is caught without
                # downloading the whole object.
                data = bytes(body.read(wanted + 1))
            finally:
                body.close()
        except Exception as exc:
            raise SourceError(f"{self.name}: ranged read {start}-{end} failed: {exc}") from None
        self.requests += 1
        self.bytes_fetched += len(data)
        if len(data) != wanted:
            raise SourceError(
                f"{self.name}: ranged read {start}-{end} returned {len(data)} bytes, not {wanted}"
            )
        return data

    def read_at(self, offset: int, length: int) -> bytes:
        check_range(self.name, offset, length)
        end = min(self.size, offset + length)
        if offset >= end:
            return b""
        if end - offset > 4 * BLOCK:
            return self._get(offset, end - 1)
        parts = []
        for index in range(offset // BLOCK, (end - 1) // BLOCK + 1):
            block = self._block(index)
            lo = max(offset - index * BLOCK, 0)
            hi = min(end - index * BLOCK, len(block))
            parts.append(block[lo:hi])
        return b"".join(parts)

    def close(self) -> None:
        self._blocks.clear()
