"""Standard input (offsets, replay after a restart, oversized lines) and building every
source kind from its ``detect.sources`` configuration entry."""

from __future__ import annotations

import io

import pytest

from stackward.detect.config import (
    FileSource,
    HttpSource,
    S3Source,
    SourceConfig,
    StdinSource,
    SyslogSource,
)
from stackward.detect.interfaces import SourceError
from stackward.detect.sources import (
    FileLogSource,
    HttpReceiver,
    S3LogSource,
    StdinLogSource,
    SyslogReceiver,
    build_source,
)

INPUT = b"one\ntwo\n\nthree"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (0, [("one", 4, 1), ("two", 8, 2), ("three", 14, 4)]),
        (4, [("two", 8, 2), ("three", 14, 4)]),
        (9, [("three", 14, 4)]),
        (14, []),
    ],
    ids=["from-start", "replay-after-first", "replay-after-blank", "replay-all-done"],
)
def test_stdin_offsets_and_replay_from_a_checkpoint(
    start: int, expected: list[tuple[str, int, int]]
) -> None:
    source = StdinLogSource(io.BytesIO(INPUT), format="json")
    records = list(source.read(start))
    assert [(r.data, r.position.offset, r.position.line) for r in records] == expected
    assert all(r.position.source == "stdin" and r.format == "json" for r in records)


def test_stdin_oversized_line_is_skipped_and_counted() -> None:
    source = StdinLogSource(io.BytesIO(b"a\n" + b"x" * 100 + b"\nb\n"), max_line_bytes=10)
    assert [r.data for r in source.read()] == ["a", "b"]
    assert source.problems.lines() == ["stdin:2: line longer than the cap skipped"]


@pytest.mark.parametrize(
    ("config", "kind", "source_id"),
    [
        (
            FileSource(path="/var/log/app/*.log", format="litellm"),
            FileLogSource,
            "file:/var/log/app/*.log",
        ),
        (StdinSource(), StdinLogSource, "stdin"),
        (
            SyslogSource(protocol="tcp", bind="127.0.0.1:6514"),
            SyslogReceiver,
            "syslog-tcp:127.0.0.1:6514",
        ),
        (HttpSource(bind="127.0.0.1:8089"), HttpReceiver, "http:127.0.0.1:8089"),
        (
            S3Source(url="s3://trail/AWSLogs/", endpoint_url="http://127.0.0.1:1"),
            S3LogSource,
            "s3://trail/AWSLogs/",
        ),
    ],
    ids=["file", "stdin", "syslog", "http", "s3"],
)
def test_build_source_makes_each_kind(
    config: SourceConfig, kind: type, source_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKWARD_DETECT_TOKEN", "a-token-long-enough-1234")
    source = build_source(config)
    assert isinstance(source, kind) and source.id == source_id


def test_build_http_source_without_the_token_variable_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STACKWARD_DETECT_TOKEN", raising=False)
    with pytest.raises(SourceError, match="no token"):
        build_source(HttpSource())
    assert isinstance(build_source(HttpSource(), insecure_no_auth=True), HttpReceiver)
