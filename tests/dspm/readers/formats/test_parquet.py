from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stackward.dspm.readers.formats.parquet import leaf_columns, worth_classifying
from tests.dspm.readers.conftest import field_values, read_one


def parquet_bytes(table: pa.Table, row_group_size: int) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=row_group_size)
    return buffer.getvalue()


def test_small_table_is_read_whole_with_struct_paths() -> None:
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "score": pa.array([0.5, 0.1, 0.9]),
            "user": pa.array(
                [
                    {"email": "a@example.com", "age": 30},
                    {"email": None, "age": 41},
                    {"email": "c@example.com", "age": 7},
                ],
                pa.struct([("email", pa.string()), ("age", pa.int8())]),
            ),
            "token": pa.array([b"raw-1", b"", b"raw-3"]),
        }
    )
    content = read_one(parquet_bytes(table, 2), "users.parquet")
    assert content.kind == "parquet"
    fields = {sample.location.field: (sample.name, sample.values) for sample in content.fields}
    assert fields == {
        "id": ("id", ["1", "2", "3"]),
        "user.email": ("email", ["a@example.com", "c@example.com"]),
        "token": ("token", ["raw-1", "raw-3"]),
    }
    assert content.rows_total == 3 and content.rows_read == 3
    assert content.sampling == "full" and content.problems == []


def test_large_table_reads_only_some_row_groups() -> None:
    rows = 120_000
    table = pa.table({"n": pa.array([f"user-{i}" for i in range(rows)])})
    data = parquet_bytes(table, 10_000)
    content = read_one(data, "events.parquet", sample_rows=1000, seed=5)
    assert content.rows_total == rows
    assert content.rows_read == 10_000
    assert content.sampling == "1 of 12 row groups (10,000 of 120,000 rows)"
    values = content.fields[0].values
    assert len(values) == 1000 and len(set(values)) == 1000
    assert values == read_one(data, "events.parquet", sample_rows=1000, seed=5).fields[0].values
    groups = {int(v.split("-")[1]) // 10_000 for v in values}
    assert len(groups) == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda data: data[: len(data) // 2],
        lambda data: b"PAR1" + b"\x00garbage" * 100 + b"PAR1",
        lambda data: data[:-12] + b"\xff\xff\xff\x7fPAR1",
        lambda data: b"",
    ],
    ids=["truncated", "garbage", "huge-footer-length", "empty"],
)
def test_broken_parquet_is_a_problem(mangle: object) -> None:
    table = pa.table({"email": ["a@example.com"] * 100})
    data = mangle(parquet_bytes(table, 10))  # type: ignore[operator]
    content = read_one(data, "broken.parquet")
    assert content.kind == "parquet"
    assert content.fields == []
    assert content.problems and content.problems[0].startswith(
        "broken.parquet: not a readable Parquet file"
    )


@pytest.mark.parametrize(
    ("data_type", "worth"),
    [
        (pa.string(), True),
        (pa.large_binary(), True),
        (pa.int64(), True),
        (pa.int16(), False),
        (pa.float64(), False),
        (pa.bool_(), False),
        (pa.list_(pa.string()), True),
        (pa.dictionary(pa.int32(), pa.string()), True),
        (pa.timestamp("s"), False),
    ],
    ids=[
        "string",
        "large-binary",
        "int64",
        "int16",
        "float",
        "bool",
        "list-string",
        "dict-string",
        "timestamp",
    ],
)
def test_worth_classifying(data_type: pa.DataType, worth: bool) -> None:
    assert worth_classifying(data_type) is worth


def test_leaf_columns_flatten_structs() -> None:
    schema = pa.schema(
        [("a", pa.struct([("b", pa.struct([("c", pa.string())])), ("d", pa.bool_())]))]
    )
    assert leaf_columns(schema) == [("a", "a.b.c", "c")]


def test_strings_and_integers_keep_non_blank_values_in_row_order() -> None:
    table = pa.table(
        {
            "name": pa.array(["Ann", None, " ", "", "\u2028", "Bo b"], pa.string()),
            "note": pa.array(["x", "\t", None, "y", " z ", ""], pa.large_string()),
            "number": pa.array([0, None, -7, 4111111111111111, None, 2], pa.int64()),
            "code": pa.array([None, b" ", b"\xff1", b"", b"k", None], pa.binary()),
            "tags": pa.array(
                [["a", None], [], None, [" "], ["b", "c"], None], pa.list_(pa.string())
            ),
        }
    )
    content = read_one(parquet_bytes(table, 4), "people.parquet")
    assert field_values(content) == {
        "name": ["Ann", "Bo b"],
        "note": ["x", "y", " z "],
        "number": ["0", "-7", "4111111111111111", "2"],
        "code": ["\ufffd1", "k"],
        "tags": ["a", "b c"],
    }
