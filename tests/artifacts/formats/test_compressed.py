"""Compressed single streams: real joblib output, hand-built corrupt and explosive streams."""

from __future__ import annotations

import bz2
import gzip
import lzma
import sys
import zlib
from pathlib import Path

import pytest

from stackward.artifacts import IssueKind, ScanLimits
from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.compressed import inner_name, scan_compressed
from stackward.artifacts.issues import ArtifactReport
from stackward.artifacts.source import BytesSource
from stackward.model import Severity
from tests.artifacts.formats.test_zip_archive import (
    BENIGN_PICKLE,
    MALICIOUS_PICKLE,
    NPY,
    has_issue,
    own_issues,
    scan_bytes,
)

JOBLIB_COMPRESSORS = ["zlib", "gzip", "bz2", "xz", "lzma", "lz4"]


@pytest.mark.parametrize("compressor", JOBLIB_COMPRESSORS)
def test_real_joblib_files_reach_the_pickle(tmp_path: Path, compressor: str) -> None:
    joblib = pytest.importorskip("joblib")
    if compressor == "lz4":
        pytest.importorskip("lz4")
    path = tmp_path / f"model.{compressor}"
    joblib.dump({"weights": list(range(100)), "name": "m"}, path, compress=(compressor, 3))
    report = scan_bytes(path.read_bytes(), path.name)
    fmt = "lzma" if compressor == "lzma" else compressor
    assert report.format == fmt
    assert [m.format for m in report.members] == ["pickle"]
    assert report.members[0].size and report.members[0].size > 100
    assert own_issues(report) == []


def _old_joblib(payload: bytes) -> bytes:
    return b"ZF" + hex(len(payload)).encode().ljust(19) + zlib.compress(payload)


STREAMS = [
    pytest.param(gzip.compress(NPY), "gzip", id="gzip"),
    pytest.param(gzip.compress(NPY[:50]) + gzip.compress(NPY[50:]), "gzip", id="gzip-multi-member"),
    pytest.param(bz2.compress(NPY), "bz2", id="bz2"),
    pytest.param(bz2.compress(NPY[:50]) + bz2.compress(NPY[50:]), "bz2", id="bz2-multi-stream"),
    pytest.param(lzma.compress(NPY), "xz", id="xz"),
    pytest.param(lzma.compress(NPY, format=lzma.FORMAT_ALONE), "lzma", id="lzma-alone"),
    pytest.param(zlib.compress(NPY), "zlib", id="zlib"),
    pytest.param(_old_joblib(NPY), "zlib", id="old-joblib-zf"),
]


@pytest.mark.parametrize(("data", "fmt"), STREAMS)
def test_decompressed_content_is_dispatched(data: bytes, fmt: str) -> None:
    report = scan_bytes(data, "thing.joblib")
    assert report.format == fmt
    assert [(m.format, m.size) for m in report.members] == [("npy", len(NPY))]
    assert own_issues(report) == []


def test_lz4_frame() -> None:
    lz4_frame = pytest.importorskip("lz4.frame")
    report = scan_bytes(lz4_frame.compress(NPY), "a.lz4")
    assert [(m.format, m.size) for m in report.members] == [("npy", len(NPY))]


@pytest.mark.parametrize(
    ("data", "symbol"),
    [
        pytest.param(gzip.compress(NPY * 50)[:-30], "corrupt stream", id="gzip-truncated"),
        pytest.param(bz2.compress(NPY * 50)[:60], "corrupt stream", id="bz2-truncated"),
        pytest.param(b"\x1f\x8b\x08\x00" + b"\xff" * 60, "corrupt stream", id="gzip-garbage"),
        pytest.param(zlib.compress(NPY) + b"trailing junk", "trailing data", id="zlib-trailing"),
        pytest.param(b"ZF0x10" + b"\x00" * 40, "zlib header", id="zf-without-stream"),
    ],
)
def test_corrupt_streams_are_malformed_low(data: bytes, symbol: str) -> None:
    report = scan_bytes(data, "x.gz")
    assert any(i.symbol == symbol and i.severity is Severity.LOW for i in report.issues), (
        report.issues
    )
    assert not any(i.severity > Severity.MEDIUM for i in report.issues)


def test_truncated_stream_keeps_what_was_decoded() -> None:
    data = gzip.compress(NPY + bytes(range(256)) * 400, mtime=0)
    report = scan_bytes(data[: len(data) // 2], "x.gz")
    assert report.members and report.members[0].format == "npy"
    assert report.members[0].size and report.members[0].size > len(NPY)


@pytest.mark.parametrize(
    ("limits", "is_bomb"),
    [(ScanLimits(ratio_floor=1 << 20, max_ratio=100), True), (ScanLimits(), False)],
    ids=["bomb", "within-limits"],
)
def test_gzip_bomb_is_stopped(limits: ScanLimits, is_bomb: bool) -> None:
    data = gzip.compress(b"\x00" * (16 << 20), compresslevel=9)
    report = scan_bytes(data, "zeros.gz", limits)
    assert (
        has_issue(report, IssueKind.ARCHIVE_HAZARD, "decompression bomb", Severity.HIGH) is is_bomb
    )
    assert report.members[0].scanned is not is_bomb


def test_expansion_budget_stops_the_artifact() -> None:
    limits = ScanLimits(max_expanded_bytes=1 << 20)
    report = scan_bytes(gzip.compress(b"\x01" * (4 << 20)), "x.gz", limits)
    assert any(
        i.kind is IssueKind.UNSCANNABLE and "decompressed more" in i.reason for i in report.issues
    )


@pytest.mark.parametrize(
    ("outer", "fmt", "inner"),
    [
        ("model.pkl.gz", "gzip", "model.pkl"),
        ("a/b.npy.bz2", "bz2", "b.npy"),
        ("x.gz", "xz", "x.gz"),
    ],
)
def test_inner_name_strips_the_compression_suffix(outer: str, fmt: str, inner: str) -> None:
    assert inner_name(outer, fmt) == inner


def test_not_compressed_is_malformed() -> None:
    report = ArtifactReport("x", 10)
    scan_compressed(BytesSource(b"plain text", "x"), ScanContext.start(report))
    assert [i.symbol for i in report.issues] == [""]
    assert report.issues[0].kind is IssueKind.MALFORMED


@pytest.mark.parametrize(
    ("payload", "minimum"),
    [(MALICIOUS_PICKLE, Severity.HIGH), (BENIGN_PICKLE, None)],
    ids=["malicious", "benign"],
)
def test_compressed_pickle_verdict(payload: bytes, minimum: Severity | None) -> None:
    pytest.importorskip("stackward.artifacts.formats.pickle_file")
    report = scan_bytes(gzip.compress(payload), "model.pkl.gz")
    worst = report.max_severity or Severity.INFO
    assert worst >= minimum if minimum else worst <= Severity.LOW


def test_missing_lz4_package_is_unscannable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lz4", None)
    monkeypatch.setitem(sys.modules, "lz4.frame", None)
    report = scan_bytes(b"\x04\x22\x4d\x18" + b"\x00" * 32, "weights.lz4")
    assert has_issue(report, IssueKind.UNSCANNABLE, "lz4 missing", Severity.MEDIUM)
    assert "weights.lz4" in report.issues[0].reason
