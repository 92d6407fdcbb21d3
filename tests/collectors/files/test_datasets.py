from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from stackward.collectors.files.datasets import normalise_column, pii_columns, read_dataset
from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import walk_tree
from tests.collectors.files.helpers import entry_for

LIMIT = 1024 * 1024


def test_csv_columns_rows_and_pii() -> None:
    props = read_dataset(entry_for("datasets/people.csv"), LIMIT).properties
    assert props["columns"][:3] == ["id", "firstName", "last_name"]
    assert props["row_estimate"] == 3  # a quoted newline is not a row
    assert props["row_count_exact"] is True
    categories = {c["column"]: c["category"] for c in props["pii_columns"]}
    assert categories == {
        "firstName": "person_name",
        "last_name": "person_name",
        "EmailAddress": "email",
        "ssn": "ssn",
        "dob": "date_of_birth",
        "home_address": "address",
        "credit_card_number": "credit_card",
        "signup_ip": "ip_address",
    }


def test_tsv_without_pii() -> None:
    props = read_dataset(entry_for("datasets/plans.tsv"), LIMIT).properties
    assert props["delimiter"] == "\t"
    assert props["columns"] == ["user_id", "country", "plan"]
    assert props["pii_columns"] == []


def test_jsonl_keys_and_bad_line() -> None:
    reading = read_dataset(entry_for("datasets/chat.jsonl"), LIMIT)
    assert reading.properties["record_keys"] == ["messages", "customer_email", "split"]
    assert reading.properties["row_estimate"] == 4
    assert reading.properties["pii_columns"] == [{"column": "customer_email", "category": "email"}]
    assert "line 3: not valid JSON" in reading.skipped[0].reason


def test_json_array_records() -> None:
    props = read_dataset(entry_for("datasets/catalog.json"), LIMIT).properties
    assert props["record_keys"] == ["sku", "price", "phone_number"]
    assert props["row_estimate"] == 2


def test_binary_content_in_a_csv_is_skipped() -> None:
    walked = entry_for("datasets/binary.csv")
    assert walked.kind is FileKind.BINARY  # the walker already calls it binary
    as_csv = replace(walked, kind=FileKind.DATASET, detail="csv")
    reading = read_dataset(as_csv, LIMIT)
    assert "binary content" in reading.skipped[0].reason


def test_empty_and_latin1_files_do_not_fail() -> None:
    assert read_dataset(entry_for("datasets/empty.csv"), LIMIT).properties["row_estimate"] == 0
    props = read_dataset(entry_for("datasets/latin1.csv"), LIMIT).properties
    assert props["columns"] == ["name", "city"]


def test_large_csv_is_sampled_and_estimated(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row = "1,alice@example.com,42\n"
    path.write_text("id,email,age\n" + row * 200_000)
    (entry,) = walk_tree(path).files
    reading = read_dataset(entry, LIMIT)
    assert reading.properties["row_count_exact"] is False
    assert 190_000 <= int(str(reading.properties["row_estimate"])) <= 210_000


@pytest.mark.parametrize(
    ("name", "normal"),
    [("EmailAddress", "email_address"), ("Date Of Birth", "date_of_birth"), ("SSN", "ssn")],
)
def test_normalise_column(name: str, normal: str) -> None:
    assert normalise_column(name) == normal


@pytest.mark.parametrize(
    ("column", "category"),
    [
        ("email", "email"),
        ("phone_number", "phone"),
        ("DOB", "date_of_birth"),
        ("zip_code", "address"),
        ("iban", "credit_card"),
        ("customer_name", "person_name"),
        ("passport_no", "passport"),
        ("model_name", None),
        ("cell_id", None),
        ("tenure_months", None),
        ("emailed_count", None),
        ("shipping_method", None),
    ],
)
def test_pii_column_names(column: str, category: str | None) -> None:
    found = pii_columns([column])
    assert (found[0]["category"] if found else None) == category
