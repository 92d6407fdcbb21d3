"""The S3 source against a real S3-compatible store (SeaweedFS): key order, gzip objects,
per-object offsets and resuming, new objects while following, read-only use, bad objects."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path
from typing import Any

import pytest

from stackward.detect.config import S3Source
from stackward.detect.interfaces import SourceError
from stackward.detect.sources import build_source
from stackward.detect.sources.s3 import S3LogSource
from tests.detect.sources.follow import Collector
from tests.seaweedfs import SeaweedFS, seaweedfs_server, use_credentials

__all__ = ["seaweedfs_server"]


@pytest.fixture
def bucket(seaweedfs: SeaweedFS) -> str:
    name = f"logs-{uuid.uuid4().hex[:12]}"
    client = seaweedfs.client()
    client.create_bucket(Bucket=name)
    for key, body in [
        ("AWSLogs/b/2026/01/02.log.gz", gzip.compress(b'{"n": 3}\n{"n": 4}\n')),
        ("AWSLogs/a/2026/01/01.log", b'{"n": 1}\n\n{"n": 2}'),
        ("other/skip.log", b'{"n": 0}\n'),
    ]:
        client.put_object(Bucket=name, Key=key, Body=body)
    return name


def _source(seaweedfs: SeaweedFS, bucket: str, **options: Any) -> S3LogSource:
    return S3LogSource(f"s3://{bucket}/AWSLogs/", seaweedfs.client(), poll_seconds=0.1, **options)


def test_objects_are_read_in_key_order_with_per_object_offsets(
    seaweedfs: SeaweedFS, bucket: str
) -> None:
    records = list(_source(seaweedfs, bucket).read())
    assert [r.data for r in records] == ['{"n": 1}', '{"n": 2}', '{"n": 3}', '{"n": 4}']
    assert [(r.position.source.rsplit("/", 1)[1], r.position.offset) for r in records] == [
        ("01.log", 1),
        ("01.log", 3),
        ("02.log.gz", 1),
        ("02.log.gz", 2),
    ]
    assert records[0].position.source == f"s3://{bucket}/AWSLogs/a/2026/01/01.log"


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        ({"AWSLogs/a/2026/01/01.log": 1}, ['{"n": 2}', '{"n": 3}', '{"n": 4}']),
        ({"AWSLogs/a/2026/01/01.log": 3}, ['{"n": 3}', '{"n": 4}']),
        ({"AWSLogs/a/2026/01/01.log": 3, "AWSLogs/b/2026/01/02.log.gz": 1}, ['{"n": 4}']),
        ({"AWSLogs/b/2026/01/02.log.gz": 2}, []),
    ],
    ids=["mid-object", "object-done", "greatest-key-wins", "all-done"],
)
def test_resume_from_checkpointed_offsets(
    seaweedfs: SeaweedFS, bucket: str, offsets: dict[str, int], expected: list[str]
) -> None:
    source = _source(seaweedfs, bucket)
    source.resume({f"s3://{bucket}/{key}": n for key, n in offsets.items()} | {"stdin": 5})
    assert [r.data for r in source.read()] == expected


def test_following_picks_up_new_objects(seaweedfs: SeaweedFS, bucket: str) -> None:
    reader = Collector(_source(seaweedfs, bucket))
    try:
        reader.wait_for(4)
        seaweedfs.client().put_object(Bucket=bucket, Key="AWSLogs/c/new.log", Body=b'{"n": 5}\n')
        assert reader.wait_for(5)[-1] == '{"n": 5}'
    finally:
        reader.close()


def test_oversized_record_and_corrupt_gzip_are_reported_and_skipped(
    seaweedfs: SeaweedFS, bucket: str
) -> None:
    client = seaweedfs.client()
    client.put_object(Bucket=bucket, Key="AWSLogs/c/big.log", Body=b"x" * 500 + b'\n{"n": 9}\n')
    client.put_object(Bucket=bucket, Key="AWSLogs/d/bad.gz", Body=gzip.compress(b"a\n" * 999)[:30])
    source = _source(seaweedfs, bucket, max_record_bytes=100)
    texts = [r.data for r in source.read()]
    assert texts[:5] == ['{"n": 1}', '{"n": 2}', '{"n": 3}', '{"n": 4}', '{"n": 9}']
    assert set(texts[5:]) == {"a"}, "the readable start of the truncated object is kept"
    assert source.problems.counts["record longer than the cap skipped"] == 1
    assert source.problems.counts["truncated gzip object"] == 1


def test_gzip_bomb_stops_at_the_object_cap(seaweedfs: SeaweedFS, bucket: str) -> None:
    """60 MB from a ~60 KB object: reading stops at the cap (3 MiB) and says so."""
    client = seaweedfs.client()
    client.put_object(
        Bucket=bucket, Key="AWSLogs/z.gz", Body=gzip.compress((b"a" * 999 + b"\n") * 60_000)
    )
    source = _source(seaweedfs, bucket, max_object_bytes=3 * 2**20)
    records = [r for r in source.read() if "z.gz" in r.position.source]
    assert 1000 <= len(records) <= 3 * 2**20 // 1000
    assert source.problems.counts["object larger than the cap, rest not read"] == 1


def test_missing_bucket_is_a_source_error(seaweedfs: SeaweedFS) -> None:
    source = S3LogSource("s3://no-such-bucket-here/x/", seaweedfs.client())
    with pytest.raises(SourceError, match="no-such-bucket-here/x/: cannot list objects"):
        list(source.read())


def test_build_source_signs_with_the_default_chain_and_endpoint(
    seaweedfs: SeaweedFS, bucket: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_credentials(monkeypatch, seaweedfs, tmp_path)
    config = S3Source(url=f"s3://{bucket}/AWSLogs/b/", endpoint_url=seaweedfs.endpoint_url)
    assert [r.data for r in build_source(config).read()] == ['{"n": 3}', '{"n": 4}']


def test_multi_member_gzip_object_is_read_whole(seaweedfs: SeaweedFS, bucket: str) -> None:
    client = seaweedfs.client()
    body = gzip.compress(b'{"m": 1}\n') + gzip.compress(b'{"m": 2}\n')
    client.put_object(Bucket=bucket, Key="AWSLogs/m.gz", Body=body)
    source = _source(seaweedfs, bucket)
    assert [r.data for r in source.read() if "m.gz" in r.position.source] == [
        '{"m": 1}',
        '{"m": 2}',
    ]
