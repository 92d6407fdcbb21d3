from __future__ import annotations

import pytest

from stackward.artifacts.formats.protowire import (
    MAX_DEPTH,
    Field,
    Message,
    ProtobufError,
    read_varint,
)
from stackward.artifacts.source import BytesSource
from tests.artifacts.formats.pbwrite import fixed32, fixed64, ld, tag, varint, vint


def _summary(item: Field) -> tuple[int, int, object]:
    return item.number, item.wire_type, item.text() if item.is_bytes else item.value


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (vint(1, 150), [(1, 0, 150)]),
        (vint(2, 2**64 - 1), [(2, 0, 2**64 - 1)]),
        (ld(3, "abc"), [(3, 2, "abc")]),
        (ld(3, ""), [(3, 2, "")]),
        (fixed32(4, 7) + fixed64(5, 9), [(4, 5, 7), (5, 1, 9)]),
        (vint(1, 1) + ld(2, "x") + vint(1, 2), [(1, 0, 1), (2, 2, "x"), (1, 0, 2)]),
        (b"", []),
    ],
    ids=["varint", "max-varint", "string", "empty-string", "fixed", "mixed", "empty"],
)
def test_fields_decode(data: bytes, expected: list[tuple[int, int, object]]) -> None:
    assert [_summary(f) for f in Message.of(data).fields()] == expected


@pytest.mark.parametrize(
    "data",
    [
        tag(1, 2) + varint(10) + b"abc",
        tag(1, 2) + varint(2**40),
        b"\x08\x80",
        b"\x08" + b"\xff" * 11,
        tag(1, 3) + tag(1, 4),
        tag(1, 6),
        tag(0, 0) + b"\x00",
        tag(1, 5) + b"\x00\x00",
        tag(1, 1) + b"\x00" * 7,
    ],
    ids=[
        "length-past-end",
        "huge-length",
        "truncated-varint",
        "overlong-varint",
        "group",
        "bad-wire-type",
        "field-zero",
        "short-fixed32",
        "short-fixed64",
    ],
)
def test_malformed_raises_typed_error(data: bytes) -> None:
    with pytest.raises(ProtobufError):
        list(Message.of(data).fields())


def test_nested_length_checked_against_parent_not_file() -> None:
    inner_claims_too_much = tag(1, 2) + varint(50) + b"x" * 4
    data = ld(1, inner_claims_too_much) + ld(2, b"y" * 100)
    outer = Message.of(data)
    with pytest.raises(ProtobufError):
        for child in outer.messages(1):
            list(child.fields())


@pytest.mark.parametrize(
    ("levels", "ok"), [(MAX_DEPTH, True), (MAX_DEPTH + 5, False)], ids=["at-limit", "too-deep"]
)
def test_depth_bounded(levels: int, ok: bool) -> None:
    data = vint(9, 1)
    for _ in range(levels):
        data = ld(1, data)
    message = Message.of(data)
    path = (1,) * levels
    if ok:
        assert [m.text(9) for m in message.at_path(*path)] == [""]
    else:
        with pytest.raises(ProtobufError):
            list(message.at_path(*path))


def test_at_path_and_first_follow_repeated_fields() -> None:
    node = lambda name: ld(1, ld(1, name) + ld(2, "Op"))  # noqa: E731
    data = ld(2, node("a") + node("b")) + ld(2, node("c")) + ld(5, "late") + ld(5, "last")
    message = Message.of(data)
    assert [m.text(1) for m in message.at_path(2, 1)] == ["a", "b", "c"]
    assert message.text(5) == "last"
    assert message.first(7) is None


def test_text_is_bounded_and_tolerant() -> None:
    item = next(Message.of(ld(1, b"\xff" + b"a" * 100)).fields())
    assert item.text(limit=5) == "\ufffdaaaa"


def test_large_source_read_through_cache_across_blocks() -> None:
    payload = b"z" * (200 * 1024)
    data = ld(1, payload) + ld(2, "tail")
    message = Message.of(BytesSource(data, "big"))
    fields = list(message.fields())
    assert [f.number for f in fields] == [1, 2]
    assert fields[0].data(len(payload)) == payload
    assert fields[1].text() == "tail"


@pytest.mark.parametrize(
    ("data", "value", "end"),
    [(b"\x01", 1, 1), (b"\xac\x02", 300, 2), (b"\x00\x05", 0, 1)],
    ids=["one-byte", "two-byte", "zero"],
)
def test_read_varint(data: bytes, value: int, end: int) -> None:
    assert read_varint(data, 0) == (value, end)


def test_scalar_field_is_not_a_message() -> None:
    item = next(Message.of(vint(1, 3)).fields())
    with pytest.raises(ProtobufError):
        item.message()


@pytest.mark.parametrize("count", [10, 100_000], ids=["inline", "streamed-window"])
def test_many_fields_parse_identically_inline_and_streamed(count: int) -> None:
    data = b"".join(ld(1, f"n{i}") + vint(2, i) for i in range(count))
    fields = list(Message.of(data).fields())
    assert len(fields) == 2 * count
    assert [f.text() for f in fields[-2:-1]] == [f"n{count - 1}"]
    assert [f.value for f in fields if f.number == 2][-3:] == list(range(count - 3, count))


def test_streamed_message_skips_large_payloads_and_reads_nested() -> None:
    big = ld(9, b"\0" * (3 * 1024 * 1024))
    data = ld(1, ld(4, "first")) + big + ld(1, ld(4, "last"))
    message = Message.of(data)
    assert [m.text(4) for m in message.messages(1)] == ["first", "last"]


def test_varint_may_not_run_past_its_message() -> None:
    inner = b"\x08\x80"
    data = ld(1, inner) + b"\x01" + vint(3, 1)
    child = next(Message.of(data).messages(1))
    with pytest.raises(ProtobufError):
        list(child.fields())
