from __future__ import annotations

import gzip

import pytest

from stackward.artifacts.source import BytesSource, SourceError
from stackward.dspm.readers import read_content
from stackward.dspm.readers.content import detect_format
from stackward.dspm.records import Location, ReadLimits
from tests.dspm.readers.conftest import read_one


@pytest.mark.parametrize(
    ("head", "item", "kind"),
    [
        (b"\x1f\x8b\x08", "data.csv", "gzip"),
        (b"PK\x03\x04", "report.txt", "zip"),
        (b"PAR1\x15\x04", "table", "parquet"),
        (b"SQLite format 3\x00", "x.csv", "sqlite"),
        (b"BZh91AY", "x", "bz2"),
        (b"\xfd7zXZ\x00\x00", "x", "xz"),
        (b'{"a": 1}\n{"a": 2}\n', "x.json", "jsonl"),
        (b'{"a": 1}\n', "x.jsonl", "jsonl"),
        (b'{\n "cells": [],\n "nbformat": 4\n}', "x.json", "notebook"),
        (b'{"cells": []}', "x.ipynb", "notebook"),
        (b"a,b\n1,2\n", "x.csv", "csv"),
        (b"a\tb\n", "x.TSV", "tsv"),
        (b"a,b\n1,2\n", "x.txt", "text"),
        (b"garbage", "x.parquet", "parquet"),
        (b"", "empty", "text"),
    ],
    ids=[
        "gzip-magic-over-name",
        "zip-magic",
        "parquet-magic",
        "sqlite-magic",
        "bz2",
        "xz",
        "jsonl-content-over-name",
        "jsonl-name-one-line",
        "notebook-by-content",
        "notebook-by-name",
        "csv-name",
        "tsv-name-any-case",
        "csv-content-is-text",
        "parquet-name-without-magic",
        "empty",
    ],
)
def test_detect_format(head: bytes, item: str, kind: str) -> None:
    assert detect_format(head, item) == kind


def test_inner_extension_decides_after_archive_suffix() -> None:
    assert detect_format(b"a,b\n", "bundle.zip!dir/users.csv") == "csv"


class FailingSource:
    """A source whose reads fail (an object that vanished mid-scan)."""

    name = "gone"
    size = 100

    def read_at(self, offset: int, length: int) -> bytes:
        raise SourceError("gone: object vanished")

    def close(self) -> None:
        return None


def test_a_failing_source_is_a_problem_not_an_exception() -> None:
    contents = read_content(FailingSource(), Location("s3://bucket", "gone"), ReadLimits())
    assert [c.kind for c in contents] == ["unreadable"]
    assert contents[0].problems == ["gone: not read (SourceError: gone: object vanished)"]


def test_empty_item() -> None:
    content = read_one(b"", "empty.txt")
    assert content.kind == "text" and content.texts == [] and content.problems == []


def test_gzipped_jsonl_keeps_line_numbers() -> None:
    data = gzip.compress(b'{"email": "a@example.com"}\n{"email": "b@example.com"}\n')
    content = read_content(
        BytesSource(data, "e.jsonl.gz"), Location("mem", "e.jsonl.gz"), ReadLimits()
    )[0]
    assert content.location.item == "e.jsonl.gz!e.jsonl"
    assert content.fields[0].lines == [1, 2]
