"""``.npy`` headers and object arrays: real numpy output and hand-built hostile files."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from stackward.artifacts import IssueKind
from stackward.artifacts.formats.numpy_format import (
    NpyHeaderError,
    holds_objects,
    item_size,
    read_header,
)
from stackward.artifacts.source import BytesSource
from stackward.model import Severity
from tests.artifacts.formats.test_zip_archive import (
    MALICIOUS_PICKLE,
    own_issues,
    pickle_scanner_present,
    scan_bytes,
)


def npy(header: str, data: bytes = b"", version: int = 1) -> bytes:
    text = header.encode("latin-1")
    prefix = 10 if version == 1 else 12
    pad = -(prefix + len(text) + 1) % 64
    body = text + b" " * pad + b"\n"
    length = struct.pack("<H", len(body)) if version == 1 else struct.pack("<I", len(body))
    return b"\x93NUMPY" + bytes([version, 0]) + length + body + data


OBJECT_HEADER = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"


def _saved(make: str) -> bytes:
    numpy = pytest.importorskip("numpy")
    arrays = {
        "float": numpy.linspace(0, 1, 50, dtype=numpy.float32),
        "int": numpy.arange(12, dtype=numpy.int64).reshape(3, 4),
        "fortran": numpy.asfortranarray(numpy.ones((3, 2))),
        "unicode": numpy.array(["alpha", "beta"]),
        "structured": numpy.zeros(3, dtype=[("a", "<i4"), ("b", "<f8", (2,))]),
        "datetime": numpy.array(["2024-01-01"], dtype="datetime64[ns]"),
        "empty": numpy.zeros((0, 5)),
    }
    buffer = io.BytesIO()
    numpy.save(buffer, arrays[make])
    return buffer.getvalue()


@pytest.mark.parametrize(
    "make", ["float", "int", "fortran", "unicode", "structured", "datetime", "empty"]
)
def test_benign_numpy_save_has_no_issue(make: str) -> None:
    report = scan_bytes(_saved(make), f"{make}.npy")
    assert report.format == "npy"
    assert report.issues == []
    assert isinstance(report.properties["shape"], list)


def test_object_array_of_strings_goes_to_the_pickle_scanner() -> None:
    numpy = pytest.importorskip("numpy")
    buffer = io.BytesIO()
    numpy.save(buffer, numpy.array(["a", "b", None], dtype=object), allow_pickle=True)
    report = scan_bytes(buffer.getvalue(), "o.npy")
    assert report.properties["dtype"] == "|O"
    if pickle_scanner_present():
        assert (report.max_severity or Severity.INFO) <= Severity.LOW
    else:
        assert [i.symbol for i in report.issues] == ["npy object data"]


@pytest.mark.parametrize(
    "header",
    [
        OBJECT_HEADER,
        "{'descr': [('x', '<f8'), ('obj', '|O')], 'fortran_order': False, 'shape': (1,), }",
        "{'descr': [('n', [('deep', 'O')])], 'fortran_order': False, 'shape': (1,), }",
        "{'descr': 'object', 'fortran_order': False, 'shape': (1,), }",
    ],
    ids=["object", "structured-object", "nested-object", "alias-object"],
)
def test_malicious_object_array_is_reported(header: str) -> None:
    report = scan_bytes(npy(header, MALICIOUS_PICKLE), "evil.npy")
    if pickle_scanner_present():
        assert (report.max_severity or Severity.INFO) >= Severity.HIGH
    else:
        assert any(i.symbol == "npy object data" for i in report.issues)


HOSTILE = [
    pytest.param(b"\x93NUMPY\x01", "npy header", id="truncated-magic"),
    pytest.param(b"\x93NUMPY\x01\x00\xff\xff{'descr'", "npy header", id="header-past-eof"),
    pytest.param(b"\x93NUMPY\x02\x00\xff\xff\xff\x7f" + b" " * 64, "npy header", id="huge-v2-header"),
    pytest.param(b"\x93NUMPY\x09\x00\x10\x00" + b" " * 16, "npy header", id="unknown-version"),
    pytest.param(npy("__import__('os').system('x')"), "npy header", id="code-not-literal"),
    pytest.param(npy("{'descr': '<f8', 'shape': (1,)}"), "npy header", id="missing-key"),
    pytest.param(
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"), "npy header",
        id="negative-shape",
    ),
    pytest.param(
        npy("{'descr': '<f8', 'fortran_order': 'no', 'shape': (1,), }"), "npy header",
        id="fortran-not-bool",
    ),
    pytest.param(
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" + "(" * 5000),
        "npy header", id="deeply-nested-literal",
    ),
    pytest.param(
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (10**9, 10**9), }", b"\x00" * 8),
        "npy header", id="expression-in-shape",
    ),
    pytest.param(
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000), }",
            b"\x00" * 8),
        "npy size", id="huge-claimed-shape",
    ),
    pytest.param(
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", b"\x00" * 31),
        "npy size", id="short-data",
    ),
    pytest.param(
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", b"\x00" * 8 + b"PK"),
        "npy size", id="appended-bytes",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("data", "symbol"), HOSTILE)
def test_hostile_npy_is_malformed_low(data: bytes, symbol: str) -> None:
    report = scan_bytes(data, "x.npy")
    assert [(i.kind, i.symbol, i.severity) for i in report.issues] == [
        (IssueKind.MALFORMED, symbol, Severity.LOW)
    ]


@pytest.mark.parametrize("version", [1, 2, 3])
def test_header_versions(version: int) -> None:
    data = npy("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 2), }", b"\x00" * 8, version)
    header = read_header(BytesSource(data, "x.npy"))
    assert (header.version[0], header.shape, header.fortran_order) == (version, (2, 2), True)
    assert header.data_offset == len(data) - 8


@pytest.mark.parametrize(
    ("descr", "objects", "size"),
    [
        ("<f8", False, 8),
        ("<U5", False, 20),
        ("|b1", False, 1),
        ("<M8[ns]", False, 8),
        ("|O", True, None),
        ([("a", "<i4"), ("b", "<f8", (2, 3))], False, 52),
        ([("a", [("b", "<i2"), ("c", "|O")])], True, None),
    ],
    ids=["float", "unicode", "bool", "datetime", "object", "structured", "nested-object"],
)
def test_dtype_facts(descr: object, objects: bool, size: int | None) -> None:
    assert holds_objects(descr) is objects
    if not objects:
        assert item_size(descr) == size


def test_field_list_is_bounded() -> None:
    with pytest.raises(NpyHeaderError):
        holds_objects([("f", "<f8")] * 20_000)


@pytest.mark.parametrize("compressed", [False, True], ids=["savez", "savez_compressed"])
def test_npz_members_are_npy(tmp_path: Path, compressed: bool) -> None:
    numpy = pytest.importorskip("numpy")
    path = tmp_path / "arrays.npz"
    save = numpy.savez_compressed if compressed else numpy.savez
    save(path, x=numpy.arange(100), y=numpy.array(["s", "t"]), z=numpy.eye(3))
    report = scan_bytes(path.read_bytes(), "arrays.npz")
    assert report.properties["zip_kind"] == "npz"
    assert [(m.name, m.format) for m in report.members] == [
        ("x.npy", "npy"),
        ("y.npy", "npy"),
        ("z.npy", "npy"),
    ]
    assert own_issues(report) == []
