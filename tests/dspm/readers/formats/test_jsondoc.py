from __future__ import annotations

import json

import pytest

from stackward.dspm.readers.formats import jsondoc
from stackward.dspm.readers.formats.jsondoc import MAX_DEPTH, child_path, parse_line, scalar_text
from stackward.dspm.records import Location, ReadLimits
from tests.dspm.readers.conftest import field_values, read_one

DOCUMENT = {
    "user": {"email": "ada@example.com", "first name": "Ada", "active": True, "nick": " "},
    "items": [{"card": "4111111111111111"}, {"card": 5500000000000004}],
    "tags": ["a", None],
}


def test_json_paths_collapse_arrays() -> None:
    content = read_one(json.dumps(DOCUMENT).encode(), "doc.json")
    assert content.kind == "json"
    assert field_values(content) == {
        "$.user.email": ["ada@example.com"],
        '$.user["first name"]': ["Ada"],
        "$.items[].card": ["4111111111111111", "5500000000000004"],
        "$.tags[]": ["a"],
    }
    names = {sample.location.field: sample.name for sample in content.fields}
    assert names["$.items[].card"] == "card" and names["$.tags[]"] == "tags"
    assert all(sample.lines is None for sample in content.fields)
    assert content.sampling == "full" and content.problems == []


def test_jsonl_lines_and_invalid_lines() -> None:
    data = b'{"email": "a@example.com"}\n\nnot json\n{"email": "b@example.com", "n": 7}\n{bad\n'
    content = read_one(data, "events.jsonl")
    assert content.kind == "jsonl"
    email = next(f for f in content.fields if f.name == "email")
    assert email.values == ["a@example.com", "b@example.com"] and email.lines == [1, 4]
    assert content.rows_read == 2 and content.sampling == "full"
    assert content.problems == ["events.jsonl: 2 invalid JSON lines (lines 3, 5)"]


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b'{"a": 1}\n{"a": 2}\n', "events.log", "jsonl"),
        (b'{\n  "a": 1\n}\n', "pretty.txt", "json"),
        (b'[{"a": 1}]', "list.data", "json"),
        (b"{not json at all", "notes.txt", "text"),
    ],
    ids=["jsonl-by-content", "pretty-json-by-content", "array", "brace-text-stays-text"],
)
def test_detected_by_content(data: bytes, name: str, kind: str) -> None:
    content = read_one(data, name)
    assert content.kind == kind
    assert content.problems == []


def test_sampled_values_are_seeded_and_reported() -> None:
    data = json.dumps([{"id": str(i)} for i in range(300)]).encode()
    content = read_one(data, "many.json", sample_rows=20, seed=3)
    values = content.fields[0].values
    assert (
        len(values) == 20
        and values == read_one(data, "many.json", sample_rows=20, seed=3).fields[0].values
    )
    assert content.fields[0].rows_read == 20 and content.rows_total == 300
    assert content.fields[0].location.field == "$[].id"
    assert content.sampling == "20 of 300 records at random (seed 3)"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"user": {"email": "a@example.com", "name": ', "not parsed as JSON"),
        (b'{"a": "\xff\xfe broken"}', "not valid UTF-8"),
        (b"[" * 5000 + b"]" * 5000, None),
        (
            json.dumps({"k": "v"} | {f"f{i}": "x" for i in range(10_050)}).encode(),
            "more than 10,000 field paths",
        ),
    ],
    ids=["truncated", "invalid-utf8", "deep-nesting", "too-many-paths"],
)
def test_hostile_json_gives_problems(data: bytes, expected: str | None) -> None:
    content = read_one(data, "bad.json")
    assert content.problems, "a problem must be reported"
    assert all(p.startswith("bad.json: ") for p in content.problems)
    if expected:
        assert any(expected in p for p in content.problems), content.problems


def test_truncated_json_is_still_read_as_text() -> None:
    content = read_one(b'{"password": "hunter2-not-real", "x": [1, 2', "cut.json")
    assert "hunter2-not-real" in content.texts[0].text


def test_depth_is_bounded() -> None:
    deep: object = "value"
    for _ in range(MAX_DEPTH + 5):
        deep = {"k": deep}
    content = read_one(json.dumps(deep).encode(), "deep.json")
    assert content.fields == []
    assert content.problems == [f"deep.json: nested deeper than {MAX_DEPTH} levels; not read"]


def test_cut_head_of_jsonl_drops_the_partial_last_line() -> None:
    data = b"".join(f'{{"i": "{i:05d}"}}\n'.encode() for i in range(2000))
    content = read_one(data, "cut.jsonl", max_bytes_per_item=1000)
    assert content.problems == [] and content.rows_total is None
    assert content.sampling.startswith("first 1000 B of ")


@pytest.mark.parametrize(
    ("value", "text"),
    [("x", "x"), ("  ", None), (True, None), (None, None), (12, "12"), (1.5, "1.5")],
    ids=["string", "blank", "bool", "null", "int", "float"],
)
def test_scalar_text(value: object, text: str | None) -> None:
    assert scalar_text(value) == text


def test_child_path_quotes_odd_keys() -> None:
    assert child_path("$", "a") == "$.a"
    assert child_path("$", 'we"ird.key') == '$["we\\"ird.key"]'


def test_jsonl_records_are_sampled_then_walked() -> None:
    data = b"".join(
        json.dumps({"e": f"u{i}@example.com", "t": ["a", "b"]}).encode() + b"\n" for i in range(100)
    )
    content = read_one(data, "s.jsonl", sample_rows=10, seed=2)
    email = next(f for f in content.fields if f.name == "e")
    assert len(email.values) == 10 and email.lines == [
        int(v[1:].split("@")[0]) + 1 for v in email.values
    ]
    assert content.rows_read == 100 and content.rows_total == 100
    assert content.sampling == (
        "10 of 100 records at random (seed 2); up to 10 values per field at random (seed 2)"
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}\n',
        '  \t[1, "x", null]\r\n',
        '"just a string"',
        "3.5e2 ",
        '{"a": 1} {"b": 2}\n',
        '{"a": 1}x',
        "\ufeff{}",
        "",
        "{",
        "NaN",
        '{"a": [1, 2}',
        "\u00a0{}",
    ],
    ids=[
        "object",
        "spaced-array",
        "string",
        "number",
        "two-documents",
        "trailing-junk",
        "bom",
        "empty",
        "unclosed",
        "nan",
        "bad-array",
        "non-json-space",
    ],
)
def test_parse_line_accepts_exactly_what_json_loads_accepts(text: str) -> None:
    try:
        expected: object = ("ok", json.loads(text))
    except ValueError:
        expected = ("invalid",)
    try:
        found: object = ("ok", parse_line(text))
    except ValueError:
        found = ("invalid",)
    assert repr(found) == repr(expected)


@pytest.mark.parametrize("remembered", [1, 2, 40_000], ids=["remember-1", "remember-2", "default"])
def test_paths_are_bounded_in_order_whatever_is_remembered(
    remembered: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsondoc, "MAX_PATHS", 3)
    monkeypatch.setattr(jsondoc, "_MAX_REMEMBERED_PARENTS", remembered)
    records = [{"a": {"x": f"v{i}", "y": [f"w{i}", {"z": i}]}, f"k{i}": "new"} for i in range(4)]
    data = "".join(json.dumps(record) + "\n" for record in records).encode()
    content = read_one(data, "events.jsonl")
    assert [(f.location.field, f.values, f.lines) for f in content.fields] == [
        ("$.a.x", ["v0", "v1", "v2", "v3"], [1, 2, 3, 4]),
        ("$.a.y[]", ["w0", "w1", "w2", "w3"], [1, 2, 3, 4]),
        ("$.a.y[].z", ["0", "1", "2", "3"], [1, 2, 3, 4]),
    ]
    assert content.problems == ["events.jsonl: more than 3 field paths; rest skipped"]


@pytest.mark.parametrize("check_every", [1, 7, 100, 10**9], ids=["1", "7", "100", "never"])
@pytest.mark.parametrize("name", ["big.json", "big.jsonl"])
def test_values_moved_to_reservoirs_give_the_same_sample(
    check_every: int, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [{"ids": [f"id-{i}-{j}" for j in range(i % 4)], "n": i} for i in range(300)]
    if name.endswith(".jsonl"):
        data = "".join(json.dumps(record) + "\n" for record in records).encode()
    else:
        data = json.dumps({"records": records}).encode()
    limits = {"sample_rows": 6, "seed": 4}
    monkeypatch.setattr(jsondoc, "_CHECK_EVERY", 10**9)
    expected = read_one(data, name, **limits)
    monkeypatch.setattr(jsondoc, "_CHECK_EVERY", check_every)
    assert read_one(data, name, **limits) == expected
    assert all(len(sample.values) == 6 for sample in expected.fields)


def test_values_kept_in_memory_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsondoc, "_CHECK_EVERY", 50)
    paths = jsondoc.PathSamples(ReadLimits(sample_rows=5))
    paths.add_document({"values": [f"v{i}" for i in range(10_000)]}, None)
    assert max(len(values) for values in paths.values.values()) <= 2 * 5 + 51
    (sample,) = paths.to_fields(Location("mem", "x.json"), with_lines=False)
    assert sample.rows_read == 10_000 and len(sample.values) == 5 and paths.sampled


SHAPED = [
    {"a": "1", "b": {"c": "2"}},
    {"b": {"c": "3"}, "a": "4"},
    {"a": "5", "b": {"c": "6", "d": ["7", {"c": "8"}]}},
    {"a": {"a": "9"}, "b": "10"},
    {"first name": "11", "a": "12"},
    {f"k{i}": f"v{i}" for i in range(80)},
    {f"k{i}": f"w{i}" for i in range(79, -1, -1)},
    {"a": " ", "b": {}},
]


@pytest.mark.parametrize("copies", [1, 3], ids=["once", "three-times"])
def test_objects_of_any_key_order_feed_their_paths_in_document_order(copies: int) -> None:
    data = "".join(json.dumps(record) + "\n" for record in SHAPED * copies).encode()
    values = field_values(read_one(data, "shapes.jsonl"))
    assert values["$.b.c"] == ["2", "3", "6"] * copies
    assert values["$.b.d[].c"] == ["8"] * copies
    assert values["$.a.a"] == ["9"] * copies
    assert values['$["first name"]'] == ["11"] * copies
    assert values["$.k0"] == ["v0", "w0"] * copies
    assert list(values)[:4] == ["$.a", "$.b.c", "$.b.d[]", "$.b.d[].c"]
    assert "$.b" in values and values["$.b"] == ["10"] * copies


def test_non_text_keys_get_their_text_path() -> None:
    paths = jsondoc.PathSamples(ReadLimits())
    paths.add_document({1: "x", "y": {2: "z"}}, None)
    paths.add_document({1: "w"}, None)
    fields = paths.to_fields(Location("mem", "x.json"), with_lines=False)
    assert [(sample.location.field, sample.values) for sample in fields] == [
        ('$["1"]', ["x", "w"]),
        ('$.y["2"]', ["z"]),
    ]
