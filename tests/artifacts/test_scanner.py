"""Scanning one artifact: the SHA-256 (inline and on a second thread) and hash failures."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

from stackward.artifacts import scanner
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.scanner import scan_path, sha256_of
from stackward.artifacts.source import BytesSource, FileSource, SourceError


def _weights_pickle(path: Path, padding: int) -> bytes:
    data = pickle.dumps({"weights": [0.5] * 8, "blob": b"\0" * padding}, protocol=4)
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024 - 1, 1024 * 1024, 3 * 1024 * 1024 + 7])
def test_file_sha256_matches_hashlib(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    source = FileSource(path)
    try:
        assert source.sha256() == hashlib.sha256(data).hexdigest()
        assert sha256_of(source) == hashlib.sha256(data).hexdigest()
    finally:
        source.close()


def test_bytes_source_sha256_matches_hashlib() -> None:
    data = b"abc" * 1000
    assert sha256_of(BytesSource(data, "mem")) == hashlib.sha256(data).hexdigest()


def test_file_that_shrinks_while_hashed_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "shrinks.bin"
    path.write_bytes(b"x" * 4096)
    source = FileSource(path)
    try:
        path.write_bytes(b"x" * 10)  # truncated after the size was taken
        with pytest.raises(SourceError, match="shrank"):
            source.sha256()
    finally:
        source.close()


@pytest.mark.parametrize("threshold", [0, 10**12], ids=["background", "inline"])
def test_scan_records_the_same_hash_inline_or_in_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    monkeypatch.setattr(scanner, "BACKGROUND_HASH_BYTES", threshold)
    path = tmp_path / "model.pkl"
    data = _weights_pickle(path, padding=200_000)
    report = scan_path(path)
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.issues == []


def test_no_hash_leaves_the_digest_empty(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    _weights_pickle(path, padding=10)
    assert scan_path(path, compute_hash=False).sha256 is None


def test_background_hash_failure_is_reported_and_the_scan_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scanner, "BACKGROUND_HASH_BYTES", 0)

    def broken(self: FileSource) -> str:
        raise SourceError(f"{self.name}: read failed: Input/output error")

    monkeypatch.setattr(FileSource, "sha256", broken)
    path = tmp_path / "evil.pkl"
    path.write_bytes(b"cos\nsystem\n(S'touch /tmp/stackward-marker'\ntR.")
    report = scan_path(path)
    kinds = {issue.kind for issue in report.issues}
    assert report.sha256 is None
    assert IssueKind.UNSCANNABLE in kinds
    assert any("cannot hash" in issue.reason for issue in report.issues)
    assert IssueKind.CODE_EXECUTION in kinds  # the payload is still found
