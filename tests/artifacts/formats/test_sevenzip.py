"""7z archives through py7zr: benign members, encryption, traversal names, bombs."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

from stackward.artifacts import ArtifactReport, IssueKind, ScanLimits
from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.sevenzip import SevenZipBomb, _Meter
from stackward.model import Severity
from tests.artifacts.formats.test_zip_archive import (
    BENIGN_PICKLE,
    MALICIOUS_PICKLE,
    NPY,
    has_issue,
    own_issues,
    pickle_scanner_present,
    scan_bytes,
)

py7zr = pytest.importorskip("py7zr")


def build_7z(members: dict[str, bytes], **options: Any) -> bytes:
    """py7zr refuses to write traversal names; its check is switched off while building."""
    buffer = io.BytesIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(py7zr.py7zr, "check_archive_path", lambda name: True)
        with py7zr.SevenZipFile(buffer, "w", **options) as archive:
            for name, data in members.items():
                archive.writestr(data, name)
    return buffer.getvalue()


def test_benign_members_are_dispatched() -> None:
    report = scan_bytes(build_7z({"a.npy": NPY, "dir/notes.txt": b"hello"}), "bundle.7z")
    assert report.format == "7z"
    assert sorted((m.name, m.format) for m in report.members) == [
        ("a.npy", "npy"),
        ("dir/notes.txt", "unknown"),
    ]
    assert report.issues == []


@pytest.mark.parametrize(
    ("options", "symbol"),
    [
        ({"password": "pw"}, "encrypted archive"),
        ({"password": "pw", "header_encryption": True}, "encrypted archive"),
    ],
    ids=["encrypted-data", "encrypted-header"],
)
def test_encrypted_archive_is_unscannable(options: dict[str, Any], symbol: str) -> None:
    report = scan_bytes(build_7z({"model.pkl": BENIGN_PICKLE}, **options), "secret.7z")
    assert has_issue(report, IssueKind.UNSCANNABLE, symbol, Severity.MEDIUM), report.issues
    assert report.members == []


def test_traversal_name_is_reported_and_other_members_still_scanned() -> None:
    report = scan_bytes(build_7z({"../../evil.pkl": BENIGN_PICKLE, "a.npy": NPY}), "x.7z")
    assert has_issue(report, IssueKind.ARCHIVE_HAZARD, "path traversal", Severity.HIGH)
    assert [(m.name, m.scanned) for m in report.members] == [
        ("../../evil.pkl", False),
        ("a.npy", True),
    ]


BOMB_LIMITS = ScanLimits(ratio_floor=1 << 20, max_ratio=100)


@pytest.mark.parametrize(
    ("limits", "is_bomb"),
    [(BOMB_LIMITS, True), (ScanLimits(), False)],
    ids=["bomb", "within-limits"],
)
def test_bomb_is_refused_from_the_header(limits: ScanLimits, is_bomb: bool) -> None:
    report = scan_bytes(build_7z({"zeros.bin": b"\x00" * (8 << 20)}), "z.7z", limits)
    assert (
        has_issue(report, IssueKind.ARCHIVE_HAZARD, "decompression bomb", Severity.HIGH) is is_bomb
    )
    assert bool(report.members) is not is_bomb


@pytest.mark.parametrize(
    "data",
    [b"7z\xbc\xaf\x27\x1c" + b"\x00" * 26, b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\xff" * 100],
    ids=["empty-header", "garbage"],
)
def test_corrupt_archive_is_malformed(data: bytes) -> None:
    report = scan_bytes(data, "bad.7z")
    assert [(i.kind, i.severity) for i in report.issues] == [(IssueKind.MALFORMED, Severity.LOW)]


def test_truncated_archive_keeps_going() -> None:
    data = build_7z({"a.npy": NPY, "b.bin": bytes(range(256)) * 200})
    report = scan_bytes(data[: len(data) // 2], "cut.7z")
    assert any(i.kind is IssueKind.MALFORMED for i in report.issues)
    assert not any(i.severity > Severity.MEDIUM for i in report.issues)


@pytest.mark.parametrize(
    ("payload", "dangerous"), [(MALICIOUS_PICKLE, True), (BENIGN_PICKLE, False)], ids=["evil", "ok"]
)
def test_pickle_member_verdict(payload: bytes, dangerous: bool) -> None:
    report = scan_bytes(build_7z({"model.pkl": payload}), "m.7z")
    assert [m.format for m in report.members] == ["pickle"]
    if not pickle_scanner_present():
        assert own_issues(report) == []
        return
    worst = report.max_severity or Severity.INFO
    assert (worst >= Severity.HIGH) is dangerous


@pytest.mark.parametrize(
    ("produced", "compressed", "is_bomb"),
    [(2 << 20, 1000, True), (2 << 20, 1 << 20, False), (512 << 10, 10, False)],
    ids=["past-ratio", "low-ratio", "under-floor"],
)
def test_meter_stops_output_that_lies_about_its_size(
    produced: int, compressed: int, is_bomb: bool
) -> None:
    ctx = ScanContext.start(ArtifactReport("x.7z", compressed), BOMB_LIMITS)
    meter = _Meter(ctx, compressed)
    try:
        for _ in range(produced // 4096):
            meter.charge(4096)
    except SevenZipBomb:
        assert is_bomb
    else:
        assert not is_bomb


def test_symlink_member_is_reported(tmp_path: Path) -> None:
    target = tmp_path / "real.npy"
    target.write_bytes(NPY)
    (tmp_path / "link").symlink_to("/etc/passwd")
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as archive:
        archive.write(target, "real.npy")
        archive.write(tmp_path / "link", "link")
    report = scan_bytes(buffer.getvalue(), "links.7z")
    assert has_issue(report, IssueKind.ARCHIVE_HAZARD, "symlink", Severity.MEDIUM)
    assert ("real.npy", "npy") in [(m.name, m.format) for m in report.members]


def test_missing_py7zr_is_unscannable(monkeypatch: pytest.MonkeyPatch) -> None:
    data = build_7z({"a.npy": NPY})
    monkeypatch.setitem(sys.modules, "py7zr", None)
    report = scan_bytes(data, "bundle.7z")
    assert has_issue(report, IssueKind.UNSCANNABLE, "py7zr missing", Severity.MEDIUM)
