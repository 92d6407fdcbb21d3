"""S3 ranged reads against a real SeaweedFS: exact bytes, bounded fetching, clean errors."""

from __future__ import annotations

import hashlib
import io
import os
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from stackward.artifacts import scan_artifact
from stackward.artifacts.s3 import (
    BLOCK,
    S3Location,
    S3Object,
    S3Source,
    head_object,
    list_objects,
)
from stackward.artifacts.source import FileSource, SourceError
from stackward.model import Severity
from tests.collectors.objectstore.models import safetensors_bytes
from tests.seaweedfs import SeaweedFS, seaweedfs_server  # noqa: F401 - pytest fixture

RANDOM_SIZE = 5 * BLOCK + 123
"""More than four blocks, so whole-object reads take the direct (uncached) path."""
BIG_SIZE = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Objects:
    client: Any
    bucket: str
    random_bytes: bytes
    local: FileSource
    """The uploaded random bytes as a local file: what every ranged read must equal."""


@pytest.fixture(scope="module")
def objects(seaweedfs: SeaweedFS, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Objects]:
    client = seaweedfs.client()
    bucket = f"s3source-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    data = os.urandom(RANDOM_SIZE)
    local_path = tmp_path_factory.mktemp("s3source") / "random.bin"
    local_path.write_bytes(data)
    client.upload_file(str(local_path), bucket, "random.bin")
    client.put_object(Bucket=bucket, Key="big/model.safetensors", Body=safetensors_bytes(BIG_SIZE))
    for key in ("list/a.bin", "list/b.bin", "list/c.bin", "list/sub/", "other/x.bin"):
        client.put_object(Bucket=bucket, Key=key, Body=b"x")
    local = FileSource(local_path)
    try:
        yield Objects(client, bucket, data, local)
    finally:
        local.close()


def _source(objects: Objects, key: str = "random.bin") -> S3Source:
    return S3Source(objects.client, head_object(objects.client, S3Location(objects.bucket, key)))


@pytest.mark.parametrize(
    ("offset", "length"),
    [
        pytest.param(0, 0, id="empty-read"),
        pytest.param(0, 1, id="first-byte"),
        pytest.param(0, 100, id="start"),
        pytest.param(BLOCK - 1, 2, id="straddles-first-boundary"),
        pytest.param(BLOCK, BLOCK, id="exactly-second-block"),
        pytest.param(BLOCK - 7, BLOCK + 14, id="spans-three-blocks"),
        pytest.param(3 * BLOCK + 5, 2 * BLOCK, id="into-the-last-short-block"),
        pytest.param(RANDOM_SIZE - 10, 10, id="last-ten-bytes"),
        pytest.param(RANDOM_SIZE - 3, 100, id="past-the-end-is-clipped"),
        pytest.param(RANDOM_SIZE, 10, id="at-the-end"),
        pytest.param(RANDOM_SIZE + 50, 10, id="beyond-the-end"),
        pytest.param(0, RANDOM_SIZE, id="whole-object-direct-get"),
        pytest.param(17, 4 * BLOCK + 1, id="just-over-the-cached-limit"),
        pytest.param(0, 4 * BLOCK, id="exactly-the-cached-limit"),
    ],
)
def test_ranged_reads_match_the_local_bytes(objects: Objects, offset: int, length: int) -> None:
    source = _source(objects)
    expected = objects.local.read_at(offset, length)
    assert expected == objects.random_bytes[offset : offset + length]
    assert source.read_at(offset, length) == expected
    assert source.read_at(offset, length) == expected  # again, from the cache where cached


def test_many_random_reads_match_the_local_bytes(objects: Objects) -> None:
    source = _source(objects)
    rng = random.Random(7)
    for _ in range(200):
        offset = rng.randrange(0, RANDOM_SIZE + 10)
        length = rng.choice([1, 7, 4096, BLOCK - 1, BLOCK + 1, 3 * BLOCK])
        assert source.read_at(offset, length) == objects.local.read_at(offset, length)


def test_reads_inside_one_block_cost_one_request(objects: Objects) -> None:
    source = _source(objects)
    source.read_at(10, 10)
    source.read_at(BLOCK - 20, 20)
    source.read_at(500, 1000)
    assert (source.requests, source.bytes_fetched) == (1, BLOCK)
    source.read_at(BLOCK, 1)
    assert (source.requests, source.bytes_fetched) == (2, 2 * BLOCK)


@pytest.mark.parametrize(("offset", "length"), [(-1, 10), (0, -1)], ids=["offset", "length"])
def test_negative_reads_are_refused(objects: Objects, offset: int, length: int) -> None:
    with pytest.raises(SourceError, match="negative read"):
        _source(objects).read_at(offset, length)


def test_head_object_reports_size_and_etag(objects: Objects) -> None:
    obj = head_object(objects.client, S3Location(objects.bucket, "random.bin"))
    assert obj.size == RANDOM_SIZE
    assert obj.etag == hashlib.md5(objects.random_bytes, usedforsecurity=False).hexdigest()
    assert obj.location.uri == f"s3://{objects.bucket}/random.bin"


@pytest.mark.parametrize(
    "location",
    [
        pytest.param(("same", "no/such/key.pt"), id="missing-key"),
        pytest.param(("no-such-bucket-stackward", "random.bin"), id="missing-bucket"),
    ],
)
def test_head_object_of_a_missing_object_raises_source_error(
    objects: Objects, location: tuple[str, str]
) -> None:
    bucket = objects.bucket if location[0] == "same" else location[0]
    with pytest.raises(SourceError, match=f"s3://{bucket}/{location[1]}"):
        head_object(objects.client, S3Location(bucket, location[1]))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda c, b, k: c.delete_object(Bucket=b, Key=k), id="deleted"),
        pytest.param(lambda c, b, k: c.put_object(Bucket=b, Key=k, Body=b"x" * 30), id="replaced"),
        pytest.param(lambda c, b, k: c.put_object(Bucket=b, Key=k, Body=b"a"), id="truncated"),
    ],
)
def test_an_object_changed_after_head_fails_the_read(
    objects: Objects, change: Callable[[Any, str, str], object]
) -> None:
    key = f"changing-{uuid.uuid4().hex[:8]}.bin"
    objects.client.put_object(Bucket=objects.bucket, Key=key, Body=b"abc" * 10)
    source = _source(objects, key)
    change(objects.client, objects.bucket, key)
    with pytest.raises(SourceError, match="ranged read"):
        source.read_at(0, 3)


def test_an_unchanged_object_is_still_read_with_its_etag_pinned(objects: Objects) -> None:
    key = f"steady-{uuid.uuid4().hex[:8]}.bin"
    objects.client.put_object(Bucket=objects.bucket, Key=key, Body=b"abc" * 10)
    assert _source(objects, key).read_at(3, 6) == b"abcabc"


class _RangeIgnoringStore:
    """An S3-compatible store that answers every GET with the whole object."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def get_object(self, **_: object) -> dict[str, object]:
        return {"Body": io.BytesIO(self.data)}


@pytest.mark.parametrize(
    ("offset", "length"),
    [(0, 10), (BLOCK + 5, 10), (0, 5 * BLOCK)],
    ids=["first-block", "second-block", "direct-get"],
)
def test_a_store_that_ignores_ranges_is_refused_not_misread(offset: int, length: int) -> None:
    data = os.urandom(6 * BLOCK)
    location = S3Location("bucket", "model.bin")
    source = S3Source(_RangeIgnoringStore(data), S3Object(location, len(data), "e", None, None))
    with pytest.raises(SourceError, match="returned"):
        source.read_at(offset, length)
    assert source.bytes_fetched <= 5 * BLOCK + 1


@pytest.mark.parametrize(
    ("prefix", "limit", "expected"),
    [
        pytest.param("list/", 100, ["list/a.bin", "list/b.bin", "list/c.bin"], id="skips-dirs"),
        pytest.param("list/", 2, ["list/a.bin", "list/b.bin"], id="limited"),
        pytest.param("other/", 100, ["other/x.bin"], id="other-prefix"),
        pytest.param("nothing-here/", 100, [], id="empty-prefix"),
    ],
)
def test_list_objects(objects: Objects, prefix: str, limit: int, expected: list[str]) -> None:
    root = S3Location(objects.bucket, prefix)
    assert [loc.key for loc in list_objects(objects.client, root, limit)] == expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        pytest.param("s3://b/k/m.pt", S3Location("b", "k/m.pt"), id="key"),
        pytest.param("s3://b/prefix/", S3Location("b", "prefix/"), id="prefix"),
        pytest.param("s3://b", S3Location("b", ""), id="bucket"),
    ],
)
def test_location_parse(uri: str, expected: S3Location) -> None:
    assert S3Location.parse(uri) == expected


@pytest.mark.parametrize("uri", ["http://b/k", "s3:///k", "b/k", ""])
def test_location_parse_rejects_non_s3_uris(uri: str) -> None:
    with pytest.raises(ValueError, match="not an s3://"):
        S3Location.parse(uri)


def test_a_large_safetensors_object_is_scanned_without_downloading_it(objects: Objects) -> None:
    source = _source(objects, "big/model.safetensors")
    report = scan_artifact(source, compute_hash=False)
    assert report.format == "safetensors"
    assert report.size == BIG_SIZE
    assert all(issue.severity <= Severity.LOW for issue in report.issues), report.issues
    # The header block only: 1 MiB of 64 MiB in one request.
    assert source.bytes_fetched <= 2 * BLOCK, source.bytes_fetched
    assert source.requests <= 2, source.requests
