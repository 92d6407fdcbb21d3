"""Tar archives: listing without extraction, link and traversal hazards, legacy PyTorch tar."""

from __future__ import annotations

import gzip
import io
import tarfile

import pytest

from stackward.artifacts import IssueKind, ScanLimits
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


def build_tar(*members: tuple[str, bytes | tarfile.TarInfo]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name, content in members:
            if isinstance(content, tarfile.TarInfo):
                content.name = name
                archive.addfile(content)
                continue
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def link(kind: bytes, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo("")
    info.type = kind
    info.linkname = target
    return info


HOSTILE = [
    pytest.param(("../../etc/evil.pkl", BENIGN_PICKLE), "path traversal", Severity.HIGH, id="dotdot"),
    pytest.param(("/abs/evil.pkl", BENIGN_PICKLE), "path traversal", Severity.HIGH, id="absolute"),
    pytest.param(("l", link(tarfile.SYMTYPE, "/etc/passwd")), "symlink", Severity.HIGH,
                 id="symlink-absolute"),
    pytest.param(("a/l", link(tarfile.SYMTYPE, "../../x")), "symlink", Severity.HIGH,
                 id="symlink-escapes"),
    pytest.param(("a/l", link(tarfile.SYMTYPE, "../b/x.npy")), "symlink", Severity.MEDIUM,
                 id="symlink-inside"),
    pytest.param(("h", link(tarfile.LNKTYPE, "../outside")), "hardlink", Severity.HIGH,
                 id="hardlink-escapes"),
    pytest.param(("dev", link(tarfile.CHRTYPE, "")), "device member", Severity.MEDIUM,
                 id="char-device"),
    pytest.param(("fifo", link(tarfile.FIFOTYPE, "")), "device member", Severity.MEDIUM, id="fifo"),
]  # fmt: skip


@pytest.mark.parametrize(("member", "symbol", "severity"), HOSTILE)
def test_member_hazards(
    member: tuple[str, bytes | tarfile.TarInfo], symbol: str, severity: Severity
) -> None:
    report = scan_bytes(build_tar(("ok.npy", NPY), member), "bundle.tar")
    assert report.format == "tar"
    assert has_issue(report, IssueKind.ARCHIVE_HAZARD, symbol, severity), report.issues
    assert [m.format for m in report.members if m.name == "ok.npy"] == ["npy"]


def test_benign_tar_has_no_issue() -> None:
    report = scan_bytes(build_tar(("dir/a.npy", NPY), ("notes.txt", b"hello")), "bundle.tar")
    assert [(m.name, m.format, m.size) for m in report.members] == [
        ("dir/a.npy", "npy", len(NPY)),
        ("notes.txt", "unknown", 5),
    ]
    assert report.issues == []


@pytest.mark.parametrize("cut", [700, 1024 + 100, 1600], ids=["in-data", "in-header", "second"])
def test_truncated_tar_keeps_what_was_read(cut: int) -> None:
    data = build_tar(("a.npy", NPY), ("b.npy", NPY * 10))
    report = scan_bytes(data[:cut], "bundle.tar")
    assert has_issue(report, IssueKind.MALFORMED, "tar listing", Severity.LOW) or has_issue(
        report, IssueKind.MALFORMED, "truncated member", Severity.LOW
    )
    assert [m.name for m in report.members][:1] == ["a.npy"]


def test_member_count_is_bounded() -> None:
    data = build_tar(*((f"f{i}", b"x") for i in range(30)))
    report = scan_bytes(data, "many.tar", ScanLimits(max_members=10))
    assert len(report.members) == 10
    assert has_issue(report, IssueKind.UNSCANNABLE, "tar listing", Severity.MEDIUM)


def test_huge_long_name_header_is_refused() -> None:
    header = tarfile.TarInfo("././@LongLink")
    header.type = tarfile.GNUTYPE_LONGNAME
    header.size = 1 << 32
    block = header.tobuf(format=tarfile.USTAR_FORMAT)
    report = scan_bytes(block + b"x" * 2048, "x.tar", ScanLimits(max_in_memory=1 << 20))
    assert has_issue(report, IssueKind.MALFORMED, "tar listing", Severity.LOW)
    assert "refusing" in report.issues[0].reason


def test_legacy_pytorch_tar() -> None:
    data = build_tar(
        ("sys_info", BENIGN_PICKLE),
        ("pickle", BENIGN_PICKLE),
        ("storages", BENIGN_PICKLE + b"\x00" * 64),
        ("tensors", BENIGN_PICKLE + b"\x00" * 16),
    )
    report = scan_bytes(data, "legacy.pt")
    assert report.properties["tar_kind"] == "pytorch-tar"
    assert [m.format for m in report.members] == ["pickle"] * 4
    assert own_issues(report) == []


def test_tar_gz_is_scanned_through_gzip() -> None:
    report = scan_bytes(gzip.compress(build_tar(("a.npy", NPY))), "bundle.tar.gz")
    assert [(m.name, m.format) for m in report.members] == [
        ("<gzip content>", "tar"),
        ("<gzip content>!a.npy", "npy"),
    ]


def test_malicious_pickle_in_tar() -> None:
    if not pickle_scanner_present():
        pytest.skip("pickle scanner not built")
    report = scan_bytes(build_tar(("pickle", MALICIOUS_PICKLE)), "legacy.tar")
    assert (report.max_severity or Severity.INFO) >= Severity.HIGH
