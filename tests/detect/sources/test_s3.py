"""The S3 source against a real S3-compatible store (SeaweedFS): gzip objects, per-object
offsets, finished markers and the floor, resuming whatever the key order, new objects while
following, read-only use, bad objects."""

from __future__ import annotations

import gzip
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from stackward.detect.config import S3Source
from stackward.detect.interfaces import POSITION_ONLY, RawRecord, SourceError
from stackward.detect.pipeline import Pipeline
from stackward.detect.sources import build_source
from stackward.detect.sources.s3 import FINISHED, S3LogSource
from tests.detect.pipeline_doubles import FileSink, WindowCountDetector, parse_json_line
from tests.detect.sources.follow import Collector, until
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


def _data(records: Iterable[RawRecord]) -> list[Any]:
    return [r.data for r in records if not (r.meta or {}).get(POSITION_ONLY)]


def _by_object(records: Iterable[RawRecord]) -> dict[str, list[Any]]:
    """Each object's texts in reading order, by key."""
    found: dict[str, list[Any]] = {}
    for record in records:
        if not (record.meta or {}).get(POSITION_ONLY):
            key = record.position.source.split("/", 3)[3]
            found.setdefault(key, []).append(record.data)
    return found


def _checkpoint(records: Iterable[RawRecord]) -> dict[str, int]:
    """The offsets a pipeline would checkpoint after processing ``records``."""
    return {r.position.source: r.position.offset for r in records}


A_KEY, B_KEY = "AWSLogs/a/2026/01/01.log", "AWSLogs/b/2026/01/02.log.gz"


def test_every_object_is_read_with_per_object_offsets_then_marked_finished(
    seaweedfs: SeaweedFS, bucket: str
) -> None:
    source = _source(seaweedfs, bucket)
    records = list(source.read())
    assert _by_object(records) == {
        A_KEY: ['{"n": 1}', '{"n": 2}'],
        B_KEY: ['{"n": 3}', '{"n": 4}'],
    }
    positions = [(r.position.source.rsplit("/", 1)[1], r.position.offset) for r in records]
    a_part = [p for p in positions if p[0] == "01.log"]
    assert a_part == [("01.log", 1), ("01.log", 3), ("01.log", FINISHED)]
    assert records[-1].position.source == source.floor_id, "a pass ends by moving the floor"
    assert records[0].position.source.startswith(f"s3://{bucket}/AWSLogs/")


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        ({A_KEY: 1}, {A_KEY: ['{"n": 2}'], B_KEY: ['{"n": 3}', '{"n": 4}']}),
        ({A_KEY: 3}, {B_KEY: ['{"n": 3}', '{"n": 4}']}),
        ({A_KEY: FINISHED}, {B_KEY: ['{"n": 3}', '{"n": 4}']}),
        ({B_KEY: FINISHED}, {A_KEY: ['{"n": 1}', '{"n": 2}']}),
        ({A_KEY: FINISHED, B_KEY: 1}, {B_KEY: ['{"n": 4}']}),
        ({A_KEY: FINISHED, B_KEY: FINISHED}, {}),
    ],
    ids=[
        "mid-object",
        "lines-done-no-marker",
        "earlier-key-done",
        "later-key-done-earlier-still-read",
        "finished-and-mid",
        "all-finished",
    ],
)
def test_resume_from_checkpointed_offsets(
    seaweedfs: SeaweedFS, bucket: str, offsets: dict[str, int], expected: dict[str, list[str]]
) -> None:
    source = _source(seaweedfs, bucket)
    source.resume({f"s3://{bucket}/{key}": n for key, n in offsets.items()} | {"stdin": 5})
    assert _by_object(source.read()) == expected


def test_floor_from_the_checkpoint_skips_older_objects(seaweedfs: SeaweedFS, bucket: str) -> None:
    source = _source(seaweedfs, bucket)
    source.resume({source.floor_id: 2**40})
    assert _data(source.read()) == []
    again = _source(seaweedfs, bucket)
    again.resume({again.floor_id: 0})
    assert len(_data(again.read())) == 4


def test_restart_reads_only_what_is_new_even_when_its_key_sorts_first(
    seaweedfs: SeaweedFS, bucket: str
) -> None:
    """CloudTrail's regions and days interleave in key order: a new object in
    ``us-east-1`` sorts before yesterday's ``us-west-2`` one. It is read all the same."""
    first = list(_source(seaweedfs, bucket).read())
    client = seaweedfs.client()
    client.put_object(Bucket=bucket, Key="AWSLogs/0-early/x.log", Body=b'{"n": 0}\n')
    restarted = _source(seaweedfs, bucket)
    restarted.resume(_checkpoint(first))
    second = list(restarted.read())
    assert _data(second) == ['{"n": 0}']
    third = _source(seaweedfs, bucket)
    third.resume(_checkpoint(first + second))
    assert _data(third.read()) == []


def test_following_reads_new_objects_whatever_their_keys(seaweedfs: SeaweedFS, bucket: str) -> None:
    reader = Collector(_source(seaweedfs, bucket))
    client = seaweedfs.client()
    try:
        until(lambda: len(_data(reader.records)) >= 4, 10.0, "4 records")
        client.put_object(Bucket=bucket, Key="AWSLogs/c/new.log", Body=b'{"n": 5}\n')
        until(lambda: len(_data(reader.records)) >= 5, 10.0, "5 records")
        client.put_object(Bucket=bucket, Key="AWSLogs/0/early.log", Body=b'{"n": 6}\n')
        until(lambda: len(_data(reader.records)) >= 6, 10.0, "6 records")
        assert _data(reader.records)[4:] == ['{"n": 5}', '{"n": 6}']
    finally:
        reader.close()
    assert len(_data(reader.records)) == 6, "nothing is read twice across polls"


def test_floor_trails_the_newest_object_by_late_seconds(seaweedfs: SeaweedFS) -> None:
    """With ``late_seconds=0`` the floor is the newest LastModified: after a restart whose
    checkpoint lost the per-object markers, an older object is taken as read and the newest
    one (at the floor, not below it) is read again."""
    client = seaweedfs.client()
    name = f"late-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    client.put_object(Bucket=name, Key="p/old.log", Body=b'{"n": "old"}\n')
    time.sleep(1.1)  # LastModified has one-second resolution
    client.put_object(Bucket=name, Key="p/new.log", Body=b'{"n": "new"}\n')
    source = S3LogSource(f"s3://{name}/p/", client, late_seconds=0)
    records = list(source.read())
    assert _data(records) == ['{"n": "old"}', '{"n": "new"}'], "oldest first"
    floor = _checkpoint(records)[source.floor_id]
    restarted = S3LogSource(f"s3://{name}/p/", client, late_seconds=0)
    restarted.resume({source.floor_id: floor})
    assert _data(restarted.read()) == ['{"n": "new"}']


def test_the_pipeline_checkpoints_finished_objects_and_counts_only_records(
    seaweedfs: SeaweedFS, tmp_path: Path
) -> None:
    client = seaweedfs.client()
    name = f"pipe-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    client.put_object(
        Bucket=name, Key="p/b.log", Body=b'{"t": 1, "key": "x"}\n{"t": 2, "key": "x"}\n'
    )
    client.put_object(Bucket=name, Key="p/c.log", Body=b'{"t": 3, "key": "y"}\n')

    def run() -> Any:
        return Pipeline(
            sources=[S3LogSource(f"s3://{name}/p/", client)],
            parse=parse_json_line,
            detectors=[WindowCountDetector()],
            sinks=[FileSink(tmp_path / "out.txt")],
            state_dir=tmp_path / "state",
        ).run()

    assert (run().records, run().records) == (3, 0)
    client.put_object(Bucket=name, Key="p/a.log", Body=b'{"t": 4, "key": "z"}\n')
    summary = run()
    assert (summary.records, summary.events, summary.parse_problems) == (1, 1, 0)


def test_oversized_record_and_corrupt_gzip_are_reported_and_skipped(
    seaweedfs: SeaweedFS, bucket: str
) -> None:
    client = seaweedfs.client()
    client.put_object(Bucket=bucket, Key="AWSLogs/c/big.log", Body=b"x" * 500 + b'\n{"n": 9}\n')
    client.put_object(Bucket=bucket, Key="AWSLogs/d/bad.gz", Body=gzip.compress(b"a\n" * 999)[:30])
    source = _source(seaweedfs, bucket, max_record_bytes=100)
    found = _by_object(source.read())
    assert found["AWSLogs/c/big.log"] == ['{"n": 9}']
    assert set(found["AWSLogs/d/bad.gz"]) == {"a"}, "the readable start is kept"
    assert source.problems.counts["record longer than the cap skipped"] == 1
    assert source.problems.counts["truncated gzip object"] == 1


def test_gzip_bomb_stops_at_the_object_cap(seaweedfs: SeaweedFS, bucket: str) -> None:
    """60 MB from a ~60 KB object: reading stops at the cap (3 MiB) and says so."""
    client = seaweedfs.client()
    client.put_object(
        Bucket=bucket, Key="AWSLogs/z.gz", Body=gzip.compress((b"a" * 999 + b"\n") * 60_000)
    )
    source = _source(seaweedfs, bucket, max_object_bytes=3 * 2**20)
    records = _data(r for r in source.read() if "z.gz" in r.position.source)
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
    assert _data(build_source(config).read()) == ['{"n": 3}', '{"n": 4}']


def test_multi_member_gzip_object_is_read_whole(seaweedfs: SeaweedFS, bucket: str) -> None:
    client = seaweedfs.client()
    body = gzip.compress(b'{"m": 1}\n') + gzip.compress(b'{"m": 2}\n')
    client.put_object(Bucket=bucket, Key="AWSLogs/m.gz", Body=body)
    source = _source(seaweedfs, bucket)
    assert _data(r for r in source.read() if "m.gz" in r.position.source) == [
        '{"m": 1}',
        '{"m": 2}',
    ]
