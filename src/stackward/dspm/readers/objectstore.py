"""Objects of an S3-compatible bucket, read by their format through ranged GETs.

Every object is a :class:`~stackward.artifacts.s3.S3Source`, so the format reader fetches
only what it asks for: the head of a large CSV, the footer and a few row groups of a
Parquet file; no object is downloaded whole unless it is small. Only read-only calls are
made (ListObjectsV2, GetObject with Range). A big bucket is sampled with ``max_objects``,
spread over its top-level prefixes; the last item yielded (kind ``s3.listing``) reports how
many objects were listed and read under each prefix. A bucket that cannot be listed is a
:class:`DataSourceError`; an object that cannot be read is a problem on its item.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from stackward.artifacts.s3 import S3Location, S3Object, S3Source, make_client
from stackward.dspm.readers.content import read_content
from stackward.dspm.readers.postgres import DataSourceError
from stackward.dspm.records import ItemContent, Location, ReadLimits

__all__ = ["DataSourceError", "ListedObject", "read_bucket", "read_object"]

LISTED_AT_MOST = 200_000
"""When sampling with ``max_objects``, keys listed before choosing (the rest are not seen)."""
TOP_LEVEL = "(top level)"
ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
"""Storage classes whose objects cannot be read until restored (GetObject fails)."""


@dataclass(frozen=True, slots=True)
class ListedObject:
    """What ListObjectsV2 says of one object: enough to read it without a HeadObject."""

    key: str
    size: int
    etag: str
    storage_class: str = "STANDARD"


def _parse(uri: str) -> S3Location:
    try:
        return S3Location.parse(uri)
    except ValueError:
        raise DataSourceError(f"{uri!r} is not an s3://bucket[/prefix] URI") from None


def _store_error(bucket: str, exc: Exception) -> DataSourceError:
    """A bucket-level failure in words that name the bucket (never a credential)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error", {})
        code = str(error.get("Code", "")) or "error"
        message = str(error.get("Message", "")) or code
        reasons = {
            "NoSuchBucket": "no such bucket",
            "AccessDenied": "access denied",
            "AllAccessDisabled": "access denied",
            "InvalidAccessKeyId": "the access key is not known to the store",
            "SignatureDoesNotMatch": "the credentials were refused",
        }
        reason = reasons.get(code, f"{message} ({code})")
    else:
        reason = f"cannot reach the object store: {exc}"
    return DataSourceError(f"s3://{bucket}: {reason}")


def list_bucket(client: Any, location: S3Location) -> Iterator[ListedObject]:
    """Objects under the prefix, in key order; folder markers (``key/``) left out."""
    from botocore.exceptions import (  # type: ignore[import-untyped,unused-ignore]
        BotoCoreError,
        ClientError,
    )

    paginator = client.get_paginator("list_objects_v2")
    try:
        for page in paginator.paginate(Bucket=location.bucket, Prefix=location.key):
            for entry in page.get("Contents", []):
                key = str(entry.get("Key", ""))
                if key and not key.endswith("/"):
                    yield ListedObject(
                        key,
                        int(entry.get("Size", 0)),
                        str(entry.get("ETag", "")).strip('"'),
                        str(entry.get("StorageClass") or "STANDARD"),
                    )
    except (BotoCoreError, ClientError) as exc:
        raise _store_error(location.bucket, exc) from None


def prefix_of(key: str, prefix: str) -> str:
    """The first path segment below the scanned prefix: how a sample is spread out."""
    below = key[len(prefix) :] if key.startswith(prefix) else key
    head, slash, _ = below.partition("/")
    return f"{prefix}{head}/" if slash else TOP_LEVEL


def choose(
    listed: Iterable[ListedObject], prefix: str, count: int, seed: int
) -> list[ListedObject]:
    """``count`` objects, taken in turn from each prefix (seeded order within a prefix), so
    a prefix of a million logs does not crowd out one of ten exports."""
    groups: dict[str, list[ListedObject]] = defaultdict(list)
    for obj in listed:
        groups[prefix_of(obj.key, prefix)].append(obj)
    shuffler = random.Random(seed)  # noqa: S311 - reproducible sampling, not a secret
    queues = []
    for name in sorted(groups):
        members = groups[name]
        shuffler.shuffle(members)
        queues.append(iter(members))
    chosen: list[ListedObject] = []
    while queues and len(chosen) < count:
        for queue in list(queues):
            member = next(queue, None)
            if member is None:
                queues.remove(queue)
            elif len(chosen) < count:
                chosen.append(member)
    return sorted(chosen, key=lambda obj: obj.key)


def read_object(
    client: Any, source: str, obj: ListedObject, limits: ReadLimits
) -> list[ItemContent]:
    """One object by its format; a failed read is a problem on its item, never an error."""
    location = Location(source, obj.key)
    if obj.storage_class in ARCHIVED:
        archived = ItemContent(location, "unreadable", bytes_total=obj.size, sampling="not read")
        archived.problems.append(
            f"{obj.key}: in the {obj.storage_class} storage class; not read (needs a restore)"
        )
        return [archived]
    bucket = source.removeprefix("s3://")
    s3_object = S3Object(S3Location(bucket, obj.key), obj.size, obj.etag, None, None)
    reader = S3Source(client, s3_object)
    try:
        return read_content(reader, location, limits)
    except Exception as exc:  # read_content should not raise; one object must not stop a scan
        failed = ItemContent(location, "unreadable", bytes_total=obj.size, sampling="not read")
        failed.problems.append(f"{obj.key}: not read ({type(exc).__name__}: {exc})")
        return [failed]
    finally:
        reader.close()


def _listing_report(
    source: str,
    location: S3Location,
    listed: Counter[str],
    read: Counter[str],
    cut_short: bool,
) -> ItemContent:
    total, done = sum(listed.values()), sum(read.values())
    report = ItemContent(
        Location(source, location.key or "/"), "s3.listing", rows_total=total, rows_read=done
    )
    if done < total or cut_short:
        per_prefix = ", ".join(
            f"{name} {read[name]:,} of {listed[name]:,}" for name in sorted(listed)
        )
        report.sampling = f"{done:,} of {total:,} objects read: {per_prefix}"
    if cut_short:
        report.problems.append(
            f"{location.key or '/'}: listing stopped at {LISTED_AT_MOST:,} objects; "
            "objects after them were not considered"
        )
    return report


def read_bucket(
    uri: str,
    limits: ReadLimits,
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    max_objects: int | None = None,
    client: Any | None = None,
) -> Iterator[ItemContent]:
    """Every object under ``s3://bucket[/prefix]`` (or ``max_objects`` of them) as items.

    ``client`` is a boto3 S3 client to use instead of one made from the endpoint, region
    and profile (the default AWS credential chain). Raises :class:`DataSourceError` (from
    the first ``next()``) when the bucket cannot be listed; the last item is the listing
    report (kind ``s3.listing``).
    """
    location = _parse(uri)
    source = f"s3://{location.bucket}"
    if client is None:
        client = make_client(endpoint_url, region, profile)
    listing = list_bucket(client, location)
    listed: Counter[str] = Counter()
    read: Counter[str] = Counter()
    cut_short = False
    if max_objects is None:
        chosen: Iterable[ListedObject] = listing
    else:
        seen = list(islice(listing, LISTED_AT_MOST + 1))
        cut_short = len(seen) > LISTED_AT_MOST
        seen = seen[:LISTED_AT_MOST]
        listed.update(prefix_of(obj.key, location.key) for obj in seen)
        chosen = choose(seen, location.key, max(0, max_objects), limits.seed)
    for obj in chosen:
        group = prefix_of(obj.key, location.key)
        if max_objects is None:
            listed[group] += 1
        read[group] += 1
        yield from read_object(client, source, obj, limits)
    yield _listing_report(source, location, listed, read, cut_short)
