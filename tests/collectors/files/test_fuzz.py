"""Arbitrary bytes never escape a reader as an exception: they become properties or Skipped."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackward.collectors.files.collector import read_content
from stackward.collectors.files.parquet import ParquetFooterError, parse_footer
from stackward.collectors.sniff import zip_names
from stackward.collectors.walk import walk_tree

NAMES = st.sampled_from(
    [
        "a.ipynb",
        "a.csv",
        "a.jsonl",
        "a.json",
        "a.parquet",
        "a.safetensors",
        "a.pt",
        "a.bin",
        "a.py",
        "jupyter_server_config.py",
        "jupyter_server_config.json",
        ".env",
        "a.log",
        "a.yaml",
    ]
)
HEADS = st.sampled_from(
    [b"", b"PK\x03\x04", b"PAR1", b"\x80\x04", b'{"cells": [', b"\x10\x00\x00\x00\x00\x00\x00\x00{"]
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(name=NAMES, head=HEADS, body=st.binary(max_size=600))
def test_walk_and_read_arbitrary_bytes(name: str, head: bytes, body: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(head + body)
        walked = walk_tree(path)
        for entry in walked.files:
            reading = read_content(entry, limit=1024 * 1024)
            json.dumps(reading.properties)  # properties stay plain, serialisable data
            for skip in reading.skipped:
                assert "content reader failed" not in skip.reason, skip


@FUZZ
@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "cells",
                        "source",
                        "outputs",
                        "cell_type",
                        "metadata",
                        "data",
                        "text",
                        "kernelspec",
                        "worksheets",
                        "nbformat",
                        "traceback",
                    ]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=30,
    )
)
def test_notebook_reader_on_arbitrary_json(document: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "n.ipynb"
        path.write_text(json.dumps(document))
        (entry,) = walk_tree(path).files
        reading = read_content(entry, limit=1024 * 1024)
        for skip in reading.skipped:
            assert "content reader failed" not in skip.reason, skip


@FUZZ
@given(footer=st.binary(max_size=300))
def test_parquet_footer_decoder_only_raises_its_own_error(footer: bytes) -> None:
    with contextlib.suppress(ParquetFooterError):
        parse_footer(footer)


@FUZZ
@given(body=st.binary(max_size=400), eocd=st.binary(min_size=18, max_size=18))
def test_zip_listing_of_arbitrary_bytes(body: bytes, eocd: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "z.pt"
        data = b"PK\x03\x04" + body + b"PK\x05\x06" + eocd
        path.write_bytes(data)
        names = zip_names(path, len(data))
        assert names is None or len(names) <= 5000


def test_notebook_reader_on_worksheets_without_cells() -> None:
    """Regression: nbformat-3 worksheets whose ``cells`` is null."""
    test_notebook_reader_on_arbitrary_json.hypothesis.inner_test(  # type: ignore[attr-defined]
        {"cells": None, "source": None, "worksheets": [{"cells": None}]}
    )
