"""Parquet footers written by pyarrow (fixtures), read without any Parquet library."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.collectors.files.datasets import read_dataset
from stackward.collectors.files.parquet import ParquetFooterError, footer_span, parse_footer
from stackward.collectors.walk import walk_tree
from tests.collectors.files.helpers import FIXTURES, entry_for

LIMIT = 1024 * 1024


def test_nested_schema_and_row_count() -> None:
    props = read_dataset(entry_for("datasets/patients.parquet"), LIMIT).properties
    assert props["columns"] == [
        "patient_id",
        "email",
        "date_of_birth",
        "score",
        "address.street",
        "address.city",
        "tags.list.element",
    ]
    assert props["row_estimate"] == 3
    assert {c["category"] for c in props["pii_columns"]} == {"email", "date_of_birth", "address"}


def test_flat_schema() -> None:
    props = read_dataset(entry_for("datasets/prices.parquet"), LIMIT).properties
    assert props["columns"] == ["sku", "price"]
    assert props["pii_columns"] == []


def test_footer_over_the_limit_is_not_read() -> None:
    reading = read_dataset(entry_for("datasets/patients.parquet"), limit=64)
    assert "columns" not in reading.properties
    assert "exceeds the parse limit" in reading.skipped[0].reason


def _truncations() -> list[bytes]:
    data = (FIXTURES / "datasets/prices.parquet").read_bytes()
    offset, length = footer_span(len(data), data[-8:])
    footer = data[offset : offset + length]
    return [footer[:cut] for cut in range(0, len(footer), 7)]


@pytest.mark.parametrize("footer", _truncations())
def test_every_truncated_footer_is_an_error_not_a_crash(footer: bytes) -> None:
    with pytest.raises(ParquetFooterError):
        parse_footer(footer)


@pytest.mark.parametrize(
    "footer",
    [
        b"\x19\xfc\xff\xff\xff\x0f",  # schema list claiming 2^32 elements
        b"\x1c" * 100,  # structs nested deeper than allowed
        b"\x1f",  # unknown type 15
        b"\x16" + b"\xff" * 11,  # endless varint
    ],
)
def test_hostile_footers(footer: bytes) -> None:
    with pytest.raises(ParquetFooterError):
        parse_footer(footer)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"PAR1" + bytes(20), "does not end with the PAR1 magic"),
        (b"PAR1" + bytes(8) + b"\xff\xff\xff\x7fPAR1", "does not fit the file"),
        (b"PAR1" + b"\x00\x15\x00" + b"\x03\x00\x00\x00PAR1", "footer has no schema"),
    ],
)
def test_broken_parquet_files_become_skipped(tmp_path: Path, payload: bytes, reason: str) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(payload)
    (entry,) = walk_tree(path).files
    reading = read_dataset(entry, LIMIT)
    assert reason in reading.skipped[0].reason
