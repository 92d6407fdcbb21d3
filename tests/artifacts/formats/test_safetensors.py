"""Safetensors header validation: real files are clean, every header trick is reported."""

from __future__ import annotations

import io
import json
import struct
import time
import zipfile
from pathlib import Path

import pytest

from stackward.artifacts import ArtifactReport, IssueKind, ScanLimits, scan_artifact
from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.safetensors import json_nesting, scan_safetensors
from stackward.artifacts.source import BytesSource, FileSource
from stackward.model import Severity

MARKER_COMMAND = b"touch /tmp/stackward-payload-marker"
PICKLE_PAYLOAD = (
    b"\x80\x02cposix\nsystem\nX"
    + struct.pack("<I", len(MARKER_COMMAND))
    + MARKER_COMMAND
    + b"\x85R."
)
"""A protocol-2 pickle calling ``posix.system``; scanned as bytes, never loaded."""


def build(header: object, data: bytes = b"", *, raw: bytes | None = None) -> bytes:
    """A safetensors file from a header (dict, or raw bytes) and a data buffer."""
    text = raw if raw is not None else json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def scan(data: bytes, limits: ScanLimits | None = None) -> ArtifactReport:
    report = ArtifactReport(location="model.safetensors", size=len(data))
    scan_safetensors(BytesSource(data, "model.safetensors"), ScanContext.start(report, limits))
    return report


def kinds(report: ArtifactReport) -> set[tuple[IssueKind, Severity, str]]:
    return {(i.kind, i.severity, i.symbol) for i in report.issues}


def tensor(dtype: str, shape: list[int], begin: int, end: int) -> dict[str, object]:
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", PICKLE_PAYLOAD)
    return buffer.getvalue()


MALFORMED = IssueKind.MALFORMED
HOSTILE: list[tuple[str, bytes, tuple[IssueKind, Severity, str]]] = [
    (
        "header-length-past-file",
        struct.pack("<Q", 10_000) + b'{"a": 1}',
        (MALFORMED, Severity.HIGH, "header length"),
    ),
    (
        "huge-header-length",
        struct.pack("<Q", 2**64 - 1) + b"{}      ",
        (MALFORMED, Severity.HIGH, "header length"),
    ),
    (
        "not-utf8",
        build(None, raw=b'{"\xff\xfe": 1}'),
        (MALFORMED, Severity.MEDIUM, "header encoding"),
    ),
    ("not-json", build(None, raw=b"{not json"), (MALFORMED, Severity.MEDIUM, "header json")),
    ("json-list", build(None, raw=b"[1, 2]"), (MALFORMED, Severity.MEDIUM, "header json")),
    (
        "nesting-bomb",
        build(None, raw=b"{" + b'"a":[' * 100_000 + b"]" * 100_000 + b"}"),
        (MALFORMED, Severity.MEDIUM, "json nesting"),
    ),
    (
        "duplicate-tensor-key",
        build(
            None,
            raw=b'{"w": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]},'
            b' "w": {"dtype": "U8", "shape": [4], "data_offsets": [4, 8]}}',
            data=bytes(8),
        ),
        (MALFORMED, Severity.HIGH, "duplicate key"),
    ),
    (
        "overlap",
        build({"a": tensor("U8", [4], 0, 4), "b": tensor("U8", [4], 2, 6)}, bytes(6)),
        (MALFORMED, Severity.HIGH, "overlap"),
    ),
    (
        "hole",
        build({"a": tensor("U8", [4], 0, 4), "b": tensor("U8", [4], 8, 12)}, bytes(12)),
        (MALFORMED, Severity.MEDIUM, "hole"),
    ),
    (
        "first-tensor-not-at-zero",
        build({"a": tensor("U8", [4], 4, 8)}, bytes(8)),
        (MALFORMED, Severity.MEDIUM, "hole"),
    ),
    (
        "trailing-bytes",
        build({"a": tensor("U8", [4], 0, 4)}, bytes(4) + b"\x00junk"),
        (MALFORMED, Severity.MEDIUM, "trailing data"),
    ),
    (
        "offsets-past-file",
        build({"a": tensor("F32", [1_000_000], 0, 4_000_000)}, bytes(16)),
        (MALFORMED, Severity.HIGH, "out of bounds"),
    ),
    (
        "size-mismatch",
        build({"a": tensor("F32", [4], 0, 8)}, bytes(8)),
        (MALFORMED, Severity.HIGH, "size mismatch"),
    ),
    (
        "shape-product-overflow",
        build({"a": tensor("F64", [2**40, 2**40, 2**40], 0, 8)}, bytes(8)),
        (MALFORMED, Severity.HIGH, "size mismatch"),
    ),
    (
        "end-before-begin",
        build({"a": tensor("U8", [0], 8, 4)}, bytes(8)),
        (MALFORMED, Severity.HIGH, "negative span"),
    ),
    (
        "unknown-dtype",
        build({"a": tensor("F128", [1], 0, 16)}, bytes(16)),
        (MALFORMED, Severity.MEDIUM, "dtype"),
    ),
    (
        "negative-dim",
        build({"a": tensor("U8", [-4], 0, 4)}, bytes(4)),
        (MALFORMED, Severity.MEDIUM, "shape"),
    ),
    (
        "float-dim",
        build({"a": tensor("U8", [4.0], 0, 4)}, bytes(4)),  # type: ignore[list-item]
        (MALFORMED, Severity.MEDIUM, "shape"),
    ),
    (
        "bad-offsets",
        build({"a": {"dtype": "U8", "shape": [4], "data_offsets": [0]}}, bytes(4)),
        (MALFORMED, Severity.MEDIUM, "data_offsets"),
    ),
    (
        "tensor-not-object",
        build({"a": [1, 2, 3]}),
        (MALFORMED, Severity.MEDIUM, "tensor entry"),
    ),
    (
        "metadata-not-strings",
        build({"__metadata__": {"format": 1}, "a": tensor("U8", [4], 0, 4)}, bytes(4)),
        (MALFORMED, Severity.MEDIUM, "__metadata__"),
    ),
    (
        "unknown-field",
        build({"a": {**tensor("U8", [4], 0, 4), "x": 1}}, bytes(4)),
        (MALFORMED, Severity.LOW, "unknown field"),
    ),
    (
        "polyglot-pickle",
        build({"a": tensor("U8", [4], 0, 4)}, bytes(4) + PICKLE_PAYLOAD),
        (IssueKind.ARCHIVE_HAZARD, Severity.HIGH, "polyglot pickle"),
    ),
    (
        "polyglot-zip",
        build({"a": tensor("U8", [4], 0, 4)}, bytes(4) + _zip_bytes()),
        (IssueKind.ARCHIVE_HAZARD, Severity.HIGH, "polyglot zip"),
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [(d, e) for _, d, e in HOSTILE], ids=[i for i, _, _ in HOSTILE]
)
def test_hostile_headers_are_reported(
    data: bytes, expected: tuple[IssueKind, Severity, str]
) -> None:
    assert expected in kinds(scan(data))


@pytest.mark.parametrize(
    "data",
    [
        build({}),
        build({"__metadata__": {"format": "pt"}}),
        build({"a": tensor("U8", [4], 0, 4), "b": tensor("F16", [2, 3], 4, 16)}, bytes(16)),
        build({"b": tensor("F16", [2, 3], 4, 16), "a": tensor("U8", [4], 0, 4)}, bytes(16)),
        build({"s": tensor("F32", [], 0, 4), "e": tensor("F32", [0], 4, 4)}, bytes(4)),
        build({"f4": tensor("F4", [4], 0, 2), "b": tensor("BOOL", [2], 2, 4)}, bytes(4)),
        build(None, raw=b'{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}' + b" " * 64)
        + bytes(4),
    ],
    ids=[
        "empty",
        "metadata-only",
        "two-tensors",
        "unsorted-keys",
        "scalar-and-empty",
        "sub-byte",
        "space-padding",
    ],
)
def test_valid_handmade_headers_are_clean(data: bytes) -> None:
    assert scan(data).issues == []


def test_sub_byte_tensor_must_fill_whole_bytes() -> None:
    data = build({"f4": tensor("F4", [3], 0, 2)}, bytes(2))
    assert (MALFORMED, Severity.HIGH, "size mismatch") in kinds(scan(data))


def test_header_over_memory_limit_is_not_parsed() -> None:
    data = build({"a": tensor("U8", [4], 0, 4)}, bytes(4))
    report = scan(data, ScanLimits(max_in_memory=16))
    assert kinds(report) == {(MALFORMED, Severity.MEDIUM, "header too large")}


def test_polyglot_trailer_is_scanned_as_a_member() -> None:
    data = build({"a": tensor("U8", [4], 0, 4)}, bytes(4) + PICKLE_PAYLOAD)
    report = scan(data)
    assert any(i.member == "<trailing data>" for i in report.issues)


def test_properties_are_recorded() -> None:
    header = {
        "__metadata__": {"format": "pt", "author": "x"},
        "a": tensor("F32", [2, 3], 0, 24),
        "b": tensor("I8", [4], 24, 28),
    }
    report = scan(build(header, bytes(28)))
    assert report.properties == {
        "header_bytes": len(build(header)) - 8,
        "tensor_count": 2,
        "dtypes": ["F32", "I8"],
        "parameter_count": 10,
        "metadata_keys": ["author", "format"],
    }


def test_many_tensors_stay_fast() -> None:
    header = {f"t{i}": tensor("U8", [1], i, i + 1) for i in range(100_000)}
    data = build(header, bytes(100_000))
    started = time.monotonic()
    report = scan(data)
    assert time.monotonic() - started < 10
    assert report.issues == []
    assert report.properties["tensor_count"] == 100_000


def test_many_broken_tensors_give_bounded_issues() -> None:
    header = {f"t{i}": tensor("F32", [1], i, i + 1) for i in range(10_000)}
    report = scan(build(header, bytes(10_000)))
    assert len(report.issues) <= 5


class CountingSource(FileSource):
    """Counts the bytes read, to prove only the header is touched."""

    read_bytes = 0

    def read_at(self, offset: int, length: int) -> bytes:
        data = super().read_at(offset, length)
        self.read_bytes += len(data)
        return data


def test_multi_gigabyte_file_reads_only_the_header(tmp_path: Path) -> None:
    size = 5 * 1024**3
    header = build({"w": tensor("U8", [size], 0, size)})
    path = tmp_path / "big.safetensors"
    with path.open("wb") as handle:
        handle.write(header)
        handle.truncate(len(header) + size)
    source = CountingSource(path)
    report = ArtifactReport(location=str(path), size=source.size)
    try:
        scan_safetensors(source, ScanContext.start(report))
    finally:
        source.close()
    assert report.issues == []
    assert source.read_bytes < 4096


@pytest.mark.parametrize(
    ("text", "depth"),
    [("{}", 1), ('{"a": [1, {"b": []}]}', 4), ('{"a": "[[[[{{{{"}', 1), ('"\\"[["', 0)],
    ids=["flat", "nested", "brackets-in-string", "escaped-quote"],
)
def test_json_nesting(text: str, depth: int) -> None:
    assert json_nesting(text) == depth


def _scan_file(path: Path) -> ArtifactReport:
    source = FileSource(path)
    try:
        return scan_artifact(source)
    finally:
        source.close()


def torch_files() -> list[tuple[str, dict[str, object], dict[str, str] | None]]:
    torch = pytest.importorskip("torch")
    dtypes = [
        torch.float32,
        torch.float16,
        torch.bfloat16,
        torch.float64,
        torch.int8,
        torch.uint8,
        torch.int16,
        torch.int32,
        torch.int64,
        torch.bool,
        torch.float8_e4m3fn,
        torch.float8_e5m2,
        torch.uint16,
        torch.uint32,
        torch.uint64,
        torch.complex64,
    ]
    many = {f"t_{str(d).split('.')[-1]}": torch.zeros(3, 5, dtype=d) for d in dtypes}
    return [
        ("many-dtypes", many, None),
        ("with-metadata", {"w": torch.ones(4, 4)}, {"format": "pt", "note": "x"}),
        ("empty-and-scalar", {"e": torch.zeros(0), "s": torch.tensor(3.0)}, None),
        ("no-tensors", {}, {"format": "pt"}),
    ]


@pytest.mark.parametrize("case", range(4), ids=["many-dtypes", "metadata", "empty-scalar", "none"])
def test_real_torch_files_are_clean(case: int, tmp_path: Path) -> None:
    from safetensors.torch import save_file

    name, tensors, metadata = torch_files()[case]
    path = tmp_path / f"{name}.safetensors"
    save_file(tensors, str(path), metadata=metadata)  # type: ignore[arg-type]
    report = _scan_file(path)
    assert report.format == "safetensors"
    assert report.issues == []
    assert report.properties["tensor_count"] == len(tensors)


def test_real_numpy_file_is_clean(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    from safetensors.numpy import save_file

    arrays = {
        f"a_{t}": np.zeros((2, 7), dtype=t)
        for t in (
            "float16",
            "float32",
            "float64",
            "int8",
            "int16",
            "int32",
            "int64",
            "uint8",
            "uint16",
            "uint32",
            "uint64",
            "bool",
        )
    }
    arrays["scalar"] = np.array(1.5, dtype="float32")
    path = tmp_path / "arrays.safetensors"
    save_file(arrays, str(path), metadata={"source": "numpy"})
    report = _scan_file(path)
    assert report.issues == []
    assert report.properties["metadata_keys"] == ["source"]
    assert len(report.properties["dtypes"]) == 12  # type: ignore[arg-type]
