"""The file source: offsets, partial and oversized lines, rotation both ways, new files,
gzip, and resuming from checkpointed offsets (by inode, across a rename)."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pytest

from stackward.detect.event import Position
from stackward.detect.interfaces import RawRecord
from stackward.detect.sources.file import FileLogSource, file_key
from tests.detect.sources.follow import Collector


def _source(pattern: Path | str, **options: int) -> FileLogSource:
    return FileLogSource(str(pattern), format="test", poll_seconds=0.02, **options)  # type: ignore[arg-type]


def _key(path: Path) -> str:
    return file_key(str(path.resolve()), path.stat().st_ino)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a\nbb\n", [("a", 2, 1), ("bb", 5, 2)]),
        (b"a\r\nbb", [("a", 3, 1), ("bb", 5, 2)]),
        (b"a\n\n  \nc\n", [("a", 2, 1), ("c", 8, 4)]),
        (b"caf\xc3\xa9 \xff\n", [("café \ufffd", 8, 1)]),
        (b"", []),
    ],
    ids=["lines", "crlf-and-unterminated-last-line", "blank-lines-skipped", "bad-utf8", "empty"],
)
def test_batch_read_gives_text_offset_after_line_and_line_number(
    tmp_path: Path, content: bytes, expected: list[tuple[str, int, int]]
) -> None:
    log = tmp_path / "a.log"
    log.write_bytes(content)
    records = list(_source(log).read())
    assert [(r.data, r.position.offset, r.position.line) for r in records] == expected
    assert all(r.position.source == _key(log) and r.format == "test" for r in records)
    # built without the named tuples' constructors: the same records as with them
    rebuilt = [
        RawRecord(r.data, Position(r.position.source, r.position.offset, r.position.line), "test")
        for r in records
    ]
    assert records == rebuilt
    assert all(type(r) is RawRecord and type(r.position) is Position for r in records)


def test_huge_line_is_skipped_and_reported_and_its_neighbours_read(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_bytes(b"before\n" + b"x" * 5000 + b"\nafter\n" + b"y" * 300)
    source = _source(log, max_line_bytes=100)
    records = list(source.read())
    assert [r.data for r in records] == ["before", "after"]
    assert records[1].position.line == 3
    assert source.problems.counts["line longer than the cap skipped"] == 2
    assert f"{_key(log)}:2" in source.problems.lines()[0]


def test_resume_starts_after_the_checkpointed_offset(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("one\ntwo\nthree\n")
    source = _source(log)
    source.resume({_key(log): 4, "file:elsewhere:inode=1": 99, "stdin": 3})
    assert [r.data for r in source.read()] == ["two", "three"]


def test_resume_finds_a_file_renamed_since_the_checkpoint_by_its_inode(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("one\ntwo\n")
    key = _key(log)
    log.rename(tmp_path / "app.log.1")
    source = _source(tmp_path / "app.log*")
    source.resume({key: 4})
    assert [r.data for r in source.read()] == ["two"]


def test_offset_past_the_end_of_a_truncated_file_restarts_at_zero(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("new\n")
    source = _source(log)
    source.resume({_key(log): 500})
    assert [r.data for r in source.read()] == ["new"]


def test_no_matching_file_is_reported(tmp_path: Path) -> None:
    source = _source(tmp_path / "*.log")
    assert list(source.read()) == []
    assert source.problems.counts["no file matches"] == 1


def test_gzip_file_is_read_whole_and_resumed_by_record_count(tmp_path: Path) -> None:
    log = tmp_path / "a.log.gz"
    log.write_bytes(gzip.compress(b"one\ntwo\nthree\n"))
    records = list(_source(log).read())
    assert [(r.data, r.position.offset) for r in records] == [("one", 1), ("two", 2), ("three", 3)]
    again = _source(log)
    again.resume({records[0].position.source: 2})
    assert [r.data for r in again.read()] == ["three"]


def test_truncated_gzip_is_reported_not_raised(tmp_path: Path) -> None:
    log = tmp_path / "a.log.gz"
    log.write_bytes(gzip.compress(b"one\ntwo\n" * 1000)[:40])
    source = _source(log)
    list(source.read())
    assert source.problems.counts["unreadable gzip file"] == 1


def test_follow_holds_a_partial_line_until_it_is_completed(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("one\ntw")
    reader = Collector(_source(log))
    try:
        assert reader.wait_for(1) == ["one"]
        with log.open("a") as out:
            out.write("o\nthree\n")
        assert reader.wait_for(3) == ["one", "two", "three"]
        assert reader.records[1].position.offset == len("one\ntwo\n")
    finally:
        reader.close()


def test_follow_rotation_by_rename_finishes_old_file_then_reads_new(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("a1\n")
    reader = Collector(_source(log))
    try:
        reader.wait_for(1)
        with log.open("a") as out:
            out.write("a2\n")
            out.flush()
            log.rename(tmp_path / "app.log.1")
            time.sleep(0.1)
            out.write("a3\n")
            out.flush()
            log.write_text("b1\n")
            assert reader.wait_for(4) == ["a1", "a2", "a3", "b1"]
            out.write("a4\n")
        assert reader.wait_for(5)[-1] == "a4", "the rotated file is read on within the grace"
        sources = {r.position.source for r in reader.records}
        assert len(sources) == 2
    finally:
        reader.close()


def test_follow_copy_truncate_restarts_at_zero(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("old1\nold2\n")
    reader = Collector(_source(log))
    try:
        reader.wait_for(2)
        os.truncate(log, 0)
        reader.records.clear()
        with log.open("a") as out:
            out.write("n1\n")
        assert reader.wait_for(1) == ["n1"]
        assert reader.records[0].position.offset == 3
    finally:
        reader.close()


def test_follow_picks_up_new_files_matching_the_glob(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text("a\n")
    reader = Collector(_source(tmp_path / "*.log"))
    try:
        reader.wait_for(1)
        (tmp_path / "b.log").write_text("b\n")
        (tmp_path / "ignored.txt").write_text("no\n")
        assert reader.wait_for(2) == ["a", "b"]
    finally:
        reader.close()


def test_batch_read_of_many_files_keeps_one_open_at_a_time(tmp_path: Path) -> None:
    for number in range(300):
        (tmp_path / f"{number:03}.log").write_text(f"line {number}\n")
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(200, hard), hard))
    try:
        texts = [r.data for r in _source(tmp_path / "*.log").read()]
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert texts == [f"line {n}" for n in range(300)]
