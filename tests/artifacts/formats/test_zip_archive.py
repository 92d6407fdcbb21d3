"""The tolerant zip reader: benign archives from real libraries, and hand-built hostile ones."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from stackward.artifacts import ArtifactReport, IssueKind, ScanLimits, scan_artifact
from stackward.artifacts.formats.zip_archive import container_kind, has_valid_directory, unsafe_name
from stackward.artifacts.source import BytesSource
from stackward.model import Severity

MARKER_COMMAND = b"touch /tmp/stackward-payload-marker"
MALICIOUS_PICKLE = (
    b"\x80\x02cos\nsystem\nq\x00X"
    + struct.pack("<I", len(MARKER_COMMAND))
    + MARKER_COMMAND
    + b"\x85R."
)
"""``os.system("touch ...")`` as protocol-2 opcodes, written by hand (never pickled/loaded)."""
BENIGN_PICKLE = b"\x80\x04K\x01."
NPY = (
    b"\x93NUMPY\x01\x00v\x00"
    + (b"{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }".ljust(117) + b"\n")
    + struct.pack("<qq", 1, 2)
)


@dataclass
class Member:
    name: str
    data: bytes
    method: int = 0
    flags: int = 0
    crc: int | None = None
    central_name: str | None = None
    listed: bool = True
    claimed_size: int | None = None


def _payload(member: Member) -> bytes:
    if member.method == 8:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(member.data) + packer.flush()
    return member.data


def build_zip(
    members: list[Member],
    prepend: bytes = b"",
    aliases: tuple[tuple[str, int], ...] = (),
    truncate: int | None = None,
) -> bytes:
    """A zip written byte by byte, so every field can lie. ``aliases`` adds directory
    entries that point at the local header of an existing member (overlap bombs)."""
    out = bytearray()
    central = bytearray()
    offsets: list[int] = []
    count = 0

    def central_entry(m: Member, body: bytes, crc: int, offset: int, name: bytes) -> bytes:
        size = m.claimed_size if m.claimed_size is not None else len(m.data)
        extra = b""
        if size > 0xFFFFFFFF:
            extra = struct.pack("<HHQQ", 1, 16, size, len(body))
        fields = struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, m.flags, m.method, 0, 0, crc,
            0xFFFFFFFF if extra else len(body), 0xFFFFFFFF if extra else size,
            len(name), len(extra), 0, 0, 0, 0, offset,
        )  # fmt: skip
        return fields + name + extra

    entries: list[tuple[Member, bytes, int]] = []
    for member in members:
        body = _payload(member)
        crc = member.crc if member.crc is not None else zlib.crc32(member.data)
        name = member.name.encode()
        offsets.append(len(out))
        out += struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, member.flags, member.method, 0, 0, crc,
            len(body), len(member.data), len(name), 0,
        )  # fmt: skip
        out += name + body
        entries.append((member, body, crc))
    for (member, body, crc), offset in zip(entries, offsets, strict=True):
        if member.listed:
            cname = (member.central_name or member.name).encode()
            central += central_entry(member, body, crc, offset, cname)
            count += 1
    for alias, index in aliases:
        member, body, crc = entries[index]
        central += central_entry(member, body, crc, offsets[index], alias.encode())
        count += 1
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), len(out), 0)
    data = prepend + bytes(out) + bytes(central) + end
    return data[:truncate] if truncate is not None else data


def scan_bytes(
    data: bytes, name: str = "model.bin", limits: ScanLimits | None = None
) -> ArtifactReport:
    return scan_artifact(BytesSource(data, name), limits=limits, compute_hash=False)


def own_issues(report: ArtifactReport) -> list[tuple[str, str, str]]:
    """Issues other than "no scanner for this member yet" from formats built elsewhere."""
    return [
        (str(i.kind), i.severity.label, i.symbol)
        for i in report.issues
        if "scanner unavailable" not in i.reason and "scanner is unavailable" not in i.reason
    ]


def has_issue(report: ArtifactReport, kind: IssueKind, symbol: str, severity: Severity) -> bool:
    return any(
        i.kind is kind and i.symbol == symbol and i.severity is severity for i in report.issues
    )


def pickle_scanner_present() -> bool:
    try:
        import stackward.artifacts.formats.pickle_file  # noqa: F401
    except ImportError:
        return False
    return True


HOSTILE = [
    pytest.param(
        build_zip([Member("../evil.pkl", BENIGN_PICKLE)]),
        IssueKind.ARCHIVE_HAZARD, "path traversal", Severity.HIGH, id="dotdot-name",
    ),
    pytest.param(
        build_zip([Member("/etc/cron.d/x", b"x")]),
        IssueKind.ARCHIVE_HAZARD, "path traversal", Severity.HIGH, id="absolute-name",
    ),
    pytest.param(
        build_zip([Member("C:\\Windows\\x.dll", b"x")]),
        IssueKind.ARCHIVE_HAZARD, "path traversal", Severity.HIGH, id="drive-letter",
    ),
    pytest.param(
        build_zip([Member("archive/data.pkl", BENIGN_PICKLE, central_name="archive/other.pkl")]),
        IssueKind.ARCHIVE_HAZARD, "name mismatch", Severity.HIGH, id="local-central-mismatch",
    ),
    pytest.param(
        build_zip([Member("a.npy", NPY, crc=0x1234)]),
        IssueKind.ARCHIVE_HAZARD, "crc mismatch", Severity.MEDIUM, id="crc-mismatch-data",
    ),
    pytest.param(
        build_zip([Member("archive/data.pkl", BENIGN_PICKLE, method=8, crc=1)]),
        IssueKind.ARCHIVE_HAZARD, "crc mismatch", Severity.HIGH, id="crc-mismatch-pickle",
    ),
    pytest.param(
        build_zip([Member("weights.bin", b"\x00" * 64, flags=1)]),
        IssueKind.UNSCANNABLE, "encrypted member", Severity.MEDIUM, id="encrypted-data",
    ),
    pytest.param(
        build_zip([Member("archive/data.pkl", b"\x00" * 64, flags=1)]),
        IssueKind.UNSCANNABLE, "encrypted member", Severity.HIGH, id="encrypted-pickle",
    ),
    pytest.param(
        build_zip([Member("x.bin", b"abc", method=99)]),
        IssueKind.UNSCANNABLE, "compression method", Severity.MEDIUM, id="unknown-method",
    ),
    pytest.param(
        build_zip([Member("a.npy", NPY), Member("archive/data.pkl", MALICIOUS_PICKLE, listed=False)]),
        IssueKind.ARCHIVE_HAZARD, "hidden member", Severity.HIGH, id="hidden-member",
    ),
    pytest.param(
        build_zip([Member("data.pkl", BENIGN_PICKLE), Member("data.pkl", MALICIOUS_PICKLE)]),
        IssueKind.ARCHIVE_HAZARD, "duplicate name", Severity.HIGH, id="duplicate-name",
    ),
    pytest.param(
        build_zip([Member("a.bin", b"\x00" * 1000, method=8)], aliases=(("b.bin", 0), ("c.bin", 0))),
        IssueKind.ARCHIVE_HAZARD, "overlapping members", Severity.HIGH, id="overlap-same-offset",
    ),
    pytest.param(
        build_zip([Member("a.npy", NPY), Member("b.npy", NPY)], truncate=120),
        IssueKind.MALFORMED, "no central directory", Severity.LOW, id="truncated",
    ),
    pytest.param(
        build_zip([Member("a.npy", NPY)], prepend=b"#!/bin/sh\nexit 0\n"),
        IssueKind.ARCHIVE_HAZARD, "prepended data", Severity.LOW, id="prepended-stub",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("data", "kind", "symbol", "severity"), HOSTILE)
def test_hostile_archive_is_reported(
    data: bytes, kind: IssueKind, symbol: str, severity: Severity
) -> None:
    report = scan_bytes(data)
    assert report.format == "zip"
    assert has_issue(report, kind, symbol, severity), report.issues


@functools.cache
def _bomb(claimed: int) -> bytes:
    zeros = b"\x00" * (8 << 20)
    return build_zip([Member("archive/data.pkl", zeros, method=8, claimed_size=claimed)])


BOMB_LIMITS = ScanLimits(ratio_floor=1 << 20, max_ratio=100)


@pytest.mark.parametrize(
    ("claimed", "limits", "is_bomb"),
    [
        pytest.param(10 << 30, BOMB_LIMITS, True, id="10GB-claimed-zeros"),
        pytest.param(8 << 20, BOMB_LIMITS, True, id="honest-size-zeros"),
        pytest.param(8 << 20, ScanLimits(), False, id="under-default-floor"),
    ],
)
def test_decompression_bomb_stops_member(claimed: int, limits: ScanLimits, is_bomb: bool) -> None:
    report = scan_bytes(_bomb(claimed), limits=limits)
    found = has_issue(report, IssueKind.ARCHIVE_HAZARD, "decompression bomb", Severity.HIGH)
    assert found is is_bomb
    member = next(m for m in report.members if m.name == "archive/data.pkl")
    assert member.scanned is not is_bomb
    if is_bomb:
        assert member.size is not None and member.size < 8 << 20


def test_overlap_bomb_scans_a_bounded_number_of_members() -> None:
    aliases = tuple((f"m{i}.bin", 0) for i in range(200))
    report = scan_bytes(build_zip([Member("a.bin", b"\x00" * 4096, method=8)], aliases=aliases))
    assert has_issue(report, IssueKind.ARCHIVE_HAZARD, "overlapping members", Severity.HIGH)
    assert has_issue(report, IssueKind.UNSCANNABLE, "overlap limit", Severity.MEDIUM)
    assert sum(1 for m in report.members if m.scanned) <= 40


def test_hidden_member_is_scanned() -> None:
    data = build_zip([Member("a.npy", NPY), Member("hidden/data.pkl", BENIGN_PICKLE, listed=False)])
    report = scan_bytes(data)
    assert [m.name for m in report.members] == ["a.npy", "hidden/data.pkl"]


def _nested(depth: int) -> bytes:
    data = NPY
    for level in range(depth):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"level{level}.zip" if level else "a.npy", data)
        data = buffer.getvalue()
    return data


@pytest.mark.parametrize(("depth", "too_deep"), [(3, False), (10, True)], ids=["3-deep", "10-deep"])
def test_nested_zips_are_bounded(depth: int, too_deep: bool) -> None:
    report = scan_bytes(_nested(depth))
    assert has_issue(report, IssueKind.ARCHIVE_HAZARD, "nesting depth", Severity.HIGH) is too_deep
    assert any(m.name.endswith("a.npy") for m in report.members) is not too_deep


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(build_zip([Member("a.npy", NPY)]), True, id="zip"),
        pytest.param(BENIGN_PICKLE + build_zip([Member("a.npy", NPY)]), True, id="pickle-then-zip"),
        pytest.param(b"junk" * 100 + b"PK\x05\x06" + b"\xff" * 18, False, id="bogus-end-record"),
        pytest.param(b"\x00" * 512, False, id="zeros"),
        pytest.param(b"PK\x05\x06" + b"\x00" * 18, True, id="empty-zip"),
    ],
)
def test_has_valid_directory(data: bytes, expected: bool) -> None:
    assert has_valid_directory(BytesSource(data, "x")) is expected


@pytest.mark.parametrize(
    ("names", "kind"),
    [
        ({"archive/data.pkl", "archive/data/0"}, "pytorch-zip"),
        ({"config.json", "model.weights.h5", "metadata.json"}, "keras-zip"),
        ({"x.npy", "y.npy"}, "npz"),
        ({"readme.txt"}, "zip"),
    ],
    ids=["pytorch", "keras", "npz", "plain"],
)
def test_container_kind(names: set[str], kind: str) -> None:
    assert container_kind(names) == kind


@pytest.mark.parametrize(
    ("name", "unsafe"),
    [("a/b.pkl", False), ("../a", True), ("a/../../b", True), ("/abs", True), ("a\\b", True),
     ("D:x", True), ("a..b/c", False)],
)  # fmt: skip
def test_unsafe_name(name: str, unsafe: bool) -> None:
    assert unsafe_name(name) is unsafe


def test_pytorch_storage_is_listed_not_read(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save({"w": torch.zeros(4, 4), "b": torch.ones(3)}, path)
    report = scan_bytes(path.read_bytes(), "model.pt")
    assert report.properties["zip_kind"] == "pytorch-zip"
    storage = [m for m in report.members if "/data/" in m.name]
    assert storage and not any(m.scanned for m in storage)
    assert [m.format for m in report.members if m.name.endswith("data.pkl")] == ["pickle"]
    assert own_issues(report) == []
    if pickle_scanner_present():
        assert (report.max_severity or Severity.INFO) <= Severity.LOW


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED,
                                         zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA],
                         ids=["stored", "deflated", "bzip2", "lzma"])  # fmt: skip
def test_every_supported_method_reaches_member_content(compression: int) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("x.npy", NPY)
        archive.writestr("notes.txt", b"hello " * 1000)
    report = scan_bytes(buffer.getvalue())
    assert [(m.name, m.format) for m in report.members] == [
        ("x.npy", "npy"),
        ("notes.txt", "unknown"),
    ]
    assert own_issues(report) == []


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_benign_keras_archive(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    monkey = pytest.MonkeyPatch()
    monkey.setenv("KERAS_BACKEND", "torch")
    try:
        keras = pytest.importorskip("keras")
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        path = tmp_path / "m.keras"
        model.save(path)
    finally:
        monkey.undo()
    report = scan_bytes(path.read_bytes(), "m.keras")
    assert report.properties["zip_kind"] == "keras-zip"
    assert not [i for i in report.issues if i.kind is IssueKind.ARCHIVE_HAZARD]


def test_malicious_data_pkl_is_reported() -> None:
    pytest.importorskip("stackward.artifacts.formats.pickle_file")
    report = scan_bytes(build_zip([Member("archive/data.pkl", MALICIOUS_PICKLE, method=8)]))
    assert (report.max_severity or Severity.INFO) >= Severity.HIGH


class _Unseekable(io.RawIOBase):
    """Makes ``zipfile`` write data descriptors (flag bit 3), as streaming writers do."""

    def __init__(self) -> None:
        super().__init__()
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def _streamed_zip(extra_hidden: bool) -> bytes:
    sink = _Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.npy", NPY)
        with archive.open("b.npy", "w", force_zip64=True) as member:
            member.write(NPY)
    data = bytes(sink.data)
    if not extra_hidden:
        return data
    cd_start = data.index(b"PK\x01\x02")
    hidden = build_zip([Member("hidden.pkl", BENIGN_PICKLE)])
    hidden_local = hidden[: hidden.index(b"PK\x01\x02")]
    shifted = data[:cd_start] + hidden_local
    end = data.index(b"PK\x05\x06")
    directory = data[cd_start:end]
    record = bytearray(data[end:])
    struct.pack_into("<I", record, 16, len(shifted))
    return shifted + directory + bytes(record)


@pytest.mark.parametrize(
    ("hidden", "expected"), [(False, False), (True, True)], ids=["clean", "hidden"]
)
def test_data_descriptor_archives(hidden: bool, expected: bool) -> None:
    report = scan_bytes(_streamed_zip(hidden))
    assert has_issue(report, IssueKind.ARCHIVE_HAZARD, "hidden member", Severity.HIGH) is expected
    assert [m.name for m in report.members][:2] == ["a.npy", "b.npy"]
    assert not any(
        i.severity >= Severity.MEDIUM for i in report.issues if i.symbol != "hidden member"
    )


def test_zip64_archive() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("x.npy", "w", force_zip64=True) as member:
            member.write(NPY)
        archive.writestr("y.npy", NPY)
    report = scan_bytes(buffer.getvalue())
    assert [(m.name, m.format) for m in report.members] == [("x.npy", "npy"), ("y.npy", "npy")]
    assert report.issues == []


def test_self_extractor_with_adjusted_offsets() -> None:
    stub = b"MZ" + b"\x00" * 1000
    buffer = io.BytesIO()
    buffer.write(stub)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("x.npy", NPY)
    report = scan_bytes(buffer.getvalue(), "setup.exe")
    assert [(m.name, m.format) for m in report.members] == [("x.npy", "npy")]
    assert [(i.symbol, i.severity) for i in report.issues] == [("prepended data", Severity.LOW)]


def test_empty_directory_must_end_the_file() -> None:
    record = b"PK\x05\x06" + b"\x00" * 18
    assert has_valid_directory(BytesSource(b"data" + record, "x"))
    assert not has_valid_directory(BytesSource(b"data" + record + b"tensor bytes", "x"))


def test_overlapping_bomb_is_inflated_once() -> None:
    zeros = b"\x00" * (8 << 20)
    aliases = tuple((f"m{i}.bin", 0) for i in range(5))
    data = build_zip([Member("kernel.bin", zeros, method=8)], aliases=aliases)
    report = scan_bytes(data, limits=BOMB_LIMITS)
    assert has_issue(report, IssueKind.ARCHIVE_HAZARD, "decompression bomb", Severity.HIGH)
    assert has_issue(report, IssueKind.UNSCANNABLE, "overlap limit", Severity.MEDIUM)
    assert sum(1 for m in report.members if m.format == "bomb") == 1


def test_member_count_is_bounded() -> None:
    data = build_zip([Member(f"f{i}.npy", NPY) for i in range(30)])
    report = scan_bytes(data, limits=ScanLimits(max_members=10))
    assert has_issue(report, IssueKind.UNSCANNABLE, "member limit", Severity.MEDIUM)
    assert len([m for m in report.members if m.scanned]) <= 20
