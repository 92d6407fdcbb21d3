"""Reads the shape of file datasets from a bounded sample: columns, keys, row estimate.

Only the head of a dataset is read (``SAMPLE_BYTES``), so a multi-gigabyte CSV costs the
same as a small one; the row count is then an estimate from the average record size.
Parquet schemas and row counts come from the file footer alone. Column names that suggest
personal data are listed as ``pii_columns``: a light, name-based hint, not a content
classification.
"""

from __future__ import annotations

import csv
import io
import json
import re

from stackward.collectors.files.content import (
    Reading,
    human_size,
    read_head,
    read_range,
    read_text,
)
from stackward.collectors.files.parquet import ParquetFooterError, footer_span, parse_footer
from stackward.collectors.walk import FileEntry

SAMPLE_BYTES = 1024 * 1024
SAMPLE_RECORDS = 50
MAX_COLUMNS = 500

_PII_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"(^|_)e?_?mail(_?address)?($|_)")),
    ("ssn", re.compile(r"(^|_)(ssn|social_security(_number)?|national_id|nino|tax_id)($|_)")),
    ("phone", re.compile(r"(^|_)(phone|mobile|telephone|tel|msisdn)(_?(number|no))?($|_)")),
    ("date_of_birth", re.compile(r"(^|_)(dob|date_of_birth|birth_?date|birthday)($|_)")),
    (
        "person_name",
        re.compile(r"^((first|last|full|given|family|sur|middle|maiden)_?name|name|surname)$"),
    ),
    (
        "person_name",
        re.compile(r"^(customer|patient|user|employee|person|contact|holder)_(full_)?name$"),
    ),
    (
        "address",
        re.compile(
            r"(^|_)(address|street|postcode|post_code|zip|zipcode|zip_code|postal_code)($|_)"
        ),
    ),
    (
        "credit_card",
        re.compile(r"(^|_)(credit_?card|card_?(number|num|no)|cc_?(num|number)|pan|cvv|iban)($|_)"),
    ),
    ("ip_address", re.compile(r"(^|_)(ip|ip_?addr(ess)?|client_ip)($|_)")),
    ("passport", re.compile(r"(^|_)passport(_?(number|no))?($|_)")),
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_column(name: str) -> str:
    return _NON_WORD.sub("_", _CAMEL.sub("_", name).lower()).strip("_")


def pii_columns(columns: list[str]) -> list[dict[str, str]]:
    """Columns whose names suggest personal data, with the category they suggest."""
    found: list[dict[str, str]] = []
    for column in columns:
        normal = normalise_column(column)
        for category, pattern in _PII_NAMES:
            if pattern.search(normal):
                found.append({"column": column, "category": category})
                break
    return found


def _estimate(records_in_sample: int, sample_len: int, total: int, complete: bool) -> int:
    if complete or sample_len == 0:
        return records_in_sample
    return round(records_in_sample * total / sample_len)


def _delimiter(entry: FileEntry, header: str) -> str:
    if entry.rel.lower().endswith(".tsv"):
        return "\t"
    return max((",", ";", "\t", "|"), key=header.count)


def _read_delimited(entry: FileEntry, sample: str, complete: bool, reading: Reading) -> None:
    if not complete:
        sample = sample[: sample.rfind("\n") + 1] or sample
    first_line = sample.split("\n", 1)[0]
    delimiter = _delimiter(entry, first_line)
    try:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    except csv.Error as exc:
        reading.skip(entry, f"dataset header not read: malformed delimited text ({exc})")
        return
    if not rows:
        reading.properties.update({"columns": [], "row_estimate": 0})
        return
    columns = [c.strip() for c in rows[0][:MAX_COLUMNS]]
    sample_bytes = len(sample.encode("utf-8", errors="replace"))
    reading.properties.update(
        {
            "delimiter": delimiter,
            "columns": columns,
            "row_estimate": _estimate(len(rows) - 1, sample_bytes, entry.size, complete),
            "row_count_exact": complete,
            "pii_columns": pii_columns(columns),
        }
    )


def _record_keys(records: list[object]) -> list[str]:
    keys: dict[str, None] = {}
    for record in records[:SAMPLE_RECORDS]:
        if isinstance(record, dict):
            keys.update((str(k), None) for k in list(record)[:MAX_COLUMNS])
    return list(keys)[:MAX_COLUMNS]


def _read_json_lines(entry: FileEntry, sample: str, complete: bool, reading: Reading) -> None:
    lines = sample.splitlines() if complete else sample.splitlines()[:-1]
    records: list[object] = []
    bad = 0
    for number, line in enumerate(lines[:SAMPLE_RECORDS], start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError):
            bad += 1
            if bad == 1:
                reading.skip(entry, f"line {number}: not valid JSON; record skipped")
    keys = _record_keys(records)
    sample_bytes = len("\n".join(lines).encode("utf-8", errors="replace")) + 1
    count = sum(1 for line in lines if line.strip())
    reading.properties.update(
        {
            "record_keys": keys,
            "columns": keys,
            "row_estimate": _estimate(count, sample_bytes, entry.size, complete),
            "row_count_exact": complete,
            "pii_columns": pii_columns(keys),
        }
    )


def _read_json_array(entry: FileEntry, limit: int, reading: Reading) -> None:
    text = read_text(entry, limit, reading)
    if text is None:
        return
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        reading.skip(entry, f"dataset not read: invalid JSON ({exc})")
        return
    records = document if isinstance(document, list) else [document]
    keys = _record_keys(records)
    reading.properties.update(
        {
            "record_keys": keys,
            "columns": keys,
            "row_estimate": len(records),
            "row_count_exact": True,
            "pii_columns": pii_columns(keys),
        }
    )


def _read_parquet(entry: FileEntry, limit: int, reading: Reading) -> None:
    """Schema and row count from the footer; the row groups are never read."""
    tail = read_range(entry, entry.size - 8, 8, reading) if entry.size >= 12 else b""
    if tail is None:
        return
    try:
        offset, length = footer_span(entry.size, tail)
    except ParquetFooterError as exc:
        reading.skip(entry, f"parquet footer not read: {exc}")
        return
    if length > limit:
        reading.skip(
            entry,
            f"parquet footer of {human_size(length)} exceeds the parse limit of"
            f" {human_size(limit)} (sources.max_parse_mb); schema not read",
        )
        return
    footer = read_range(entry, offset, length, reading)
    if footer is None:
        return
    try:
        summary = parse_footer(footer)
    except ParquetFooterError as exc:
        reading.skip(entry, f"parquet footer not read: {exc}")
        return
    columns = summary.columns[:MAX_COLUMNS]
    reading.properties.update(
        {
            "columns": columns,
            "row_estimate": summary.num_rows,
            "row_count_exact": True,
            "pii_columns": pii_columns(columns),
        }
    )


def read_dataset(entry: FileEntry, limit: int) -> Reading:
    reading = Reading()
    fmt = entry.detail
    if fmt in {"csv", "tsv", "txt"}:
        reader = _read_delimited
    elif fmt in {"jsonl", "ndjson"}:
        reader = _read_json_lines
    elif fmt in {"json", "records"}:
        _read_json_array(entry, limit, reading)
        return reading
    elif fmt == "parquet":
        _read_parquet(entry, limit, reading)
        return reading
    else:
        reading.properties["schema_read"] = False
        return reading
    head = read_head(entry, min(SAMPLE_BYTES, limit), reading)
    if head is None:
        return reading
    if b"\x00" in head:
        reading.skip(entry, f"dataset not read: {fmt} file holds binary content")
        return reading
    complete = len(head) >= entry.size
    sample = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    reader(entry, sample, complete, reading)
    return reading
