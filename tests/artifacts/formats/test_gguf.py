"""GGUF structure and chat-template scanning.

Benign files come from the real ``gguf`` writer; broken ones are assembled here byte by
byte so each defect is exactly the one under test.
"""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest

from stackward.artifacts import ArtifactReport, IssueKind, scan_artifact
from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.gguf import scan_gguf
from stackward.artifacts.source import BytesSource, FileSource
from stackward.model import Severity

TEMPLATES = Path(__file__).parent / "fixtures" / "chat_templates"
LLAMA31 = (TEMPLATES / "llama3_1_tools.jinja").read_text(encoding="utf-8")
INJECTED = (
    "{% for x in ().__class__.__base__.__subclasses__() %}{% if 'warning' in x.__name__ %}"
    "{{ x()._module.__builtins__['__import__']('os').popen('touch /tmp/stackward-payload-marker')"
    " }}{% endif %}{% endfor %}"
)
STRING, ARRAY, UINT32, UINT64 = 8, 9, 4, 10


def gstr(text: str | bytes, *, length: int | None = None) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw) if length is None else length) + raw


def kv_string(key: str, value: str) -> bytes:
    return gstr(key) + struct.pack("<I", STRING) + gstr(value)


def kv_u32(key: str, value: int) -> bytes:
    return gstr(key) + struct.pack("<II", UINT32, value)


def tensor_info(name: str, dims: list[int], ggml_type: int = 0, offset: int = 0) -> bytes:
    packed_dims = b"".join(struct.pack("<Q", d) for d in dims)
    return (
        gstr(name)
        + struct.pack("<I", len(dims))
        + packed_dims
        + struct.pack("<IQ", ggml_type, offset)
    )


def gguf_file(
    kvs: list[bytes],
    tensors: list[bytes] = (),  # type: ignore[assignment]
    data: bytes = b"",
    *,
    version: int = 3,
    n_tensors: int | None = None,
    n_kv: int | None = None,
) -> bytes:
    head = b"GGUF" + struct.pack(
        "<IQQ",
        version,
        len(tensors) if n_tensors is None else n_tensors,
        len(kvs) if n_kv is None else n_kv,
    )
    body = head + b"".join(kvs) + b"".join(tensors)
    if tensors:
        body += bytes(-len(body) % 32)
    return body + data


def scan(data: bytes) -> ArtifactReport:
    report = ArtifactReport(location="model.gguf", size=len(data))
    scan_gguf(BytesSource(data, "model.gguf"), ScanContext.start(report))
    return report


def kinds(report: ArtifactReport) -> set[tuple[IssueKind, Severity]]:
    return {(i.kind, i.severity) for i in report.issues}


ARCH = kv_string("general.architecture", "llama")
MALFORMED = IssueKind.MALFORMED
HOSTILE: list[tuple[str, bytes, tuple[IssueKind, Severity]]] = [
    (
        "string-length-past-file",
        gguf_file([gstr("general.name") + struct.pack("<I", STRING) + gstr("x", length=2**40)]),
        (MALFORMED, Severity.HIGH),
    ),
    (
        "key-length-past-file",
        gguf_file([gstr("k", length=2**63)]),
        (MALFORMED, Severity.HIGH),
    ),
    (
        "array-2-pow-60-strings",
        gguf_file([gstr("tokenizer.ggml.tokens") + struct.pack("<IIQ", ARRAY, STRING, 2**60)]),
        (MALFORMED, Severity.HIGH),
    ),
    (
        "array-2-pow-60-uint64",
        gguf_file([gstr("x") + struct.pack("<IIQ", ARRAY, UINT64, 2**60)]),
        (MALFORMED, Severity.HIGH),
    ),
    ("kv-count-huge", gguf_file([ARCH], n_kv=2**62), (MALFORMED, Severity.HIGH)),
    ("tensor-count-huge", gguf_file([ARCH], n_tensors=2**62), (MALFORMED, Severity.HIGH)),
    (
        "too-many-dims",
        gguf_file([ARCH], [tensor_info("t", [1] * 9)], bytes(4)),
        (MALFORMED, Severity.HIGH),
    ),
    (
        "tensor-offset-past-file",
        gguf_file([ARCH], [tensor_info("t", [32], 0, 1 << 20)], bytes(128)),
        (MALFORMED, Severity.HIGH),
    ),
    (
        "tensor-data-past-file",
        gguf_file([ARCH], [tensor_info("t", [4096, 4096])], bytes(64)),
        (MALFORMED, Severity.HIGH),
    ),
    (
        "tensor-overlap",
        gguf_file([ARCH], [tensor_info("a", [32]), tensor_info("b", [32], 0, 64)], bytes(256)),
        (MALFORMED, Severity.HIGH),
    ),
    (
        "element-count-overflow",
        gguf_file([ARCH], [tensor_info("t", [2**32, 2**32])], bytes(64)),
        (MALFORMED, Severity.HIGH),
    ),
    ("truncated-header", b"GGUF" + struct.pack("<I", 3) + b"\x01\x00", (MALFORMED, Severity.HIGH)),
    (
        "unknown-value-type",
        gguf_file([gstr("k") + struct.pack("<I", 99)]),
        (MALFORMED, Severity.MEDIUM),
    ),
    ("unknown-version", gguf_file([ARCH], version=7), (MALFORMED, Severity.MEDIUM)),
    ("duplicate-key", gguf_file([ARCH, ARCH]), (MALFORMED, Severity.HIGH)),
    (
        "duplicate-tensor",
        gguf_file([ARCH], [tensor_info("t", [32]), tensor_info("t", [32], 0, 128)], bytes(256)),
        (MALFORMED, Severity.HIGH),
    ),
    (
        "duplicate-template-first-wins",
        gguf_file(
            [
                kv_string("tokenizer.chat_template", INJECTED),
                kv_string("tokenizer.chat_template", LLAMA31),
            ]
        ),
        (IssueKind.TEMPLATE_INJECTION, Severity.CRITICAL),
    ),
    (
        "alignment-not-power-of-two",
        gguf_file([ARCH, kv_u32("general.alignment", 48)], [tensor_info("t", [32])], bytes(128)),
        (MALFORMED, Severity.MEDIUM),
    ),
    (
        "unknown-tensor-type",
        gguf_file([ARCH], [tensor_info("t", [32], 200)], bytes(128)),
        (MALFORMED, Severity.MEDIUM),
    ),
    (
        "row-not-multiple-of-block",
        gguf_file([ARCH], [tensor_info("q", [33], 8)], bytes(128)),
        (MALFORMED, Severity.MEDIUM),
    ),
    (
        "misaligned-offset",
        gguf_file([ARCH], [tensor_info("t", [1], 0, 3)], bytes(128)),
        (MALFORMED, Severity.MEDIUM),
    ),
    (
        "arrays-nested-too-deep",
        gguf_file([gstr("x") + struct.pack("<I", ARRAY) + struct.pack("<IQ", ARRAY, 1) * 6]),
        (MALFORMED, Severity.MEDIUM),
    ),
    (
        "injected-chat-template",
        gguf_file([ARCH, kv_string("tokenizer.chat_template", INJECTED)]),
        (IssueKind.TEMPLATE_INJECTION, Severity.CRITICAL),
    ),
    (
        "injected-named-template",
        gguf_file([ARCH, kv_string("tokenizer.chat_template.tool_use", INJECTED)]),
        (IssueKind.TEMPLATE_INJECTION, Severity.CRITICAL),
    ),
    (
        "unparsable-template",
        gguf_file([ARCH, kv_string("tokenizer.chat_template", "{% for m in messages %}")]),
        (IssueKind.TEMPLATE_INJECTION, Severity.MEDIUM),
    ),
    (
        "oversized-template",
        gguf_file([ARCH, kv_string("tokenizer.chat_template", "x" * (1024 * 1024 + 10))]),
        (IssueKind.UNSCANNABLE, Severity.MEDIUM),
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [(d, e) for _, d, e in HOSTILE], ids=[i for i, _, _ in HOSTILE]
)
def test_hostile_files_are_reported(data: bytes, expected: tuple[IssueKind, Severity]) -> None:
    started = time.monotonic()
    report = scan(data)
    assert time.monotonic() - started < 5
    assert expected in kinds(report)


@pytest.mark.parametrize(
    "data",
    [
        gguf_file([]),
        gguf_file([ARCH, kv_string("tokenizer.chat_template", LLAMA31)]),
        gguf_file([ARCH], [tensor_info("a", [32]), tensor_info("b", [8, 4], 0, 128)], bytes(256)),
        gguf_file([ARCH], [tensor_info("q", [64, 2], 8)], bytes(4 * 34)),
        gguf_file(
            [
                gstr("n")
                + struct.pack("<IIQ", ARRAY, ARRAY, 2)
                + struct.pack("<IQ", UINT32, 1)
                + struct.pack("<I", 7)
                + struct.pack("<IQ", STRING, 1)
                + gstr("tok")
            ]
        ),
    ],
    ids=["empty", "real-template", "two-f32-tensors", "q8_0-tensor", "nested-arrays"],
)
def test_valid_handmade_files_are_clean(data: bytes) -> None:
    assert scan(data).issues == []


def test_version_1_uses_32_bit_lengths() -> None:
    key, value = b"general.architecture", b"llama"
    kv = struct.pack("<I", len(key)) + key + struct.pack("<II", STRING, len(value)) + value
    data = b"GGUF" + struct.pack("<III", 1, 0, 1) + kv
    report = scan(data)
    assert report.issues == []
    assert report.properties["architecture"] == "llama"


def test_template_injection_names_key_and_line() -> None:
    report = scan(gguf_file([ARCH, kv_string("tokenizer.chat_template", "ok\n{{ x.__class__ }}")]))
    issue = next(i for i in report.issues if i.kind == IssueKind.TEMPLATE_INJECTION)
    assert issue.symbol.startswith("tokenizer.chat_template: ")
    assert "line 2" in issue.reason


def _write(path: Path, *, template: str | None, big_endian: bool = False) -> None:
    gguf = pytest.importorskip("gguf")
    np = pytest.importorskip("numpy")
    endian = gguf.GGUFEndian.BIG if big_endian else gguf.GGUFEndian.LITTLE
    writer = gguf.GGUFWriter(str(path), "llama", endianess=endian)
    writer.add_name("tiny-test")
    writer.add_context_length(128)
    writer.add_uint8("test.u8", 1)
    writer.add_int8("test.i8", -1)
    writer.add_uint16("test.u16", 2)
    writer.add_int16("test.i16", -2)
    writer.add_int32("test.i32", -3)
    writer.add_uint64("test.u64", 4)
    writer.add_int64("test.i64", -4)
    writer.add_float32("test.f32", 0.5)
    writer.add_float64("test.f64", 0.25)
    writer.add_bool("test.bool", True)
    writer.add_array("test.floats", [0.5, 1.5])
    writer.add_token_list(["<s>", "</s>", "hello"] * 1000)
    writer.add_token_scores([0.0] * 3000)
    if template is not None:
        writer.add_chat_template(template)
    writer.add_tensor("token_embd.weight", np.zeros((8, 32), dtype=np.float32))
    writer.add_tensor("output.weight", np.ones((4, 64), dtype=np.float16))
    if not big_endian:
        quantized = np.zeros((2, 34 * 2), dtype=np.uint8)
        writer.add_tensor(
            "blk.0.attn_q.weight", quantized, raw_dtype=gguf.GGMLQuantizationType.Q8_0
        )
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _scan_file(path: Path) -> ArtifactReport:
    source = FileSource(path)
    try:
        return scan_artifact(source)
    finally:
        source.close()


@pytest.mark.parametrize(
    ("template", "big_endian"),
    [(LLAMA31, False), (None, False), (LLAMA31, True)],
    ids=["llama31-template", "no-template", "big-endian"],
)
def test_real_gguf_files_are_clean(tmp_path: Path, template: str | None, big_endian: bool) -> None:
    path = tmp_path / "model.gguf"
    _write(path, template=template, big_endian=big_endian)
    report = _scan_file(path)
    assert report.format == "gguf"
    assert report.issues == []
    assert report.properties["architecture"] == "llama"
    assert report.properties["name"] == "tiny-test"
    assert report.properties["tensor_count"] == (2 if big_endian else 3)
    assert report.properties["has_chat_template"] is (template is not None)
    assert report.properties["byte_order"] == ("big" if big_endian else "little")
    expected_types = ["F16", "F32"] if big_endian else ["F16", "F32", "Q8_0"]
    assert report.properties["quantization_types"] == expected_types


def test_real_gguf_with_injected_template_is_critical(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    _write(path, template=INJECTED)
    report = _scan_file(path)
    assert report.max_severity == Severity.CRITICAL
    assert {i.kind for i in report.issues} == {IssueKind.TEMPLATE_INJECTION}


def test_real_gguf_with_named_templates(tmp_path: Path) -> None:
    gguf = pytest.importorskip("gguf")
    path = tmp_path / "named.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_chat_template(
        [{"name": "default", "template": LLAMA31}, {"name": "rag", "template": INJECTED}]
    )
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    report = _scan_file(path)
    symbols = {i.symbol.split(":")[0] for i in report.issues}
    assert symbols == {"tokenizer.chat_template.rag"}
    assert report.max_severity == Severity.CRITICAL


def test_truncated_real_file_is_high(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    _write(path, template=LLAMA31)
    data = path.read_bytes()
    report = scan(data[: len(data) // 3])
    assert (MALFORMED, Severity.HIGH) in kinds(report)
