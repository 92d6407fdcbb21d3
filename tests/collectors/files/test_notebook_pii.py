"""Personal data in notebook outputs and sources, through the data classifier's PII detectors.

Each notebook is written to disk as nbformat JSON and read through the walker and the files
collector's notebook reader, as a scan would. All people, numbers and addresses are made up.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from stackward.collectors.files import notebook_pii
from stackward.collectors.files.content import Reading
from stackward.collectors.files.notebooks import read_notebook
from stackward.collectors.walk import walk_tree

LIMIT = 8 * 1024 * 1024

CUSTOMERS = [
    "   name          email                       phone           ssn\n",
    "0  Alice Moreau  alice.moreau@brightmail.io  (415) 555-0132  536-22-1845\n",
    "1  Bram Okafor   bram.okafor@brightmail.io   (212) 555-0187  412-67-3390\n",
    "2  Chen Wei      chen.wei@brightmail.io      (646) 555-0199  371-48-2206\n",
]
PLANTED_VALUES = ("alice.moreau@brightmail.io", "536-22-1845", "(415) 555-0132", "Alice Moreau")
CARDS_FAILING_LUHN = [
    "   customer_id  card_number\n",
    "0  1001         4111 1111 1111 1112\n",
    "1  1002         5500 0000 0000 0005\n",
]
CARDS_VALID = [
    "   customer_id  card_number\n",
    "0  1001         4111 1111 1111 1111\n",
    "1  1002         5500 0000 0000 0004\n",
]


def _cell(source: list[str], outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": source,
        "outputs": outputs or [],
    }


def _result(text: list[str], html: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"text/plain": text}
    if html is not None:
        data["text/html"] = html
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": data}


def _html_only(html: str) -> dict[str, Any]:
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": html}}


def _stream(text: list[str]) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def _notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Churn\n"]}, *cells],
    }


HEAD = ["df = pd.read_csv('customers.csv')\n", "df.head()"]
HTML_TABLE = (
    "<table><thead><tr><th>name</th><th>email</th></tr></thead><tbody>"
    "<tr><td>Dana Pruitt</td><td>dana.pruitt@brightmail.io</td></tr>"
    "<tr><td>Eli Novak</td><td>eli.novak@brightmail.io</td></tr></tbody></table>"
)
PNG_WITH_DIGITS = {
    "output_type": "display_data",
    "metadata": {},
    "data": {"image/png": "4111 1111 1111 1111 alice.moreau@brightmail.io iVBORw0KGgo="},
}

CASES: list[tuple[str, dict[str, Any], set[tuple[str, int, int]], set[tuple[str, int, int]]]] = [
    (
        "printed-dataframe-of-customers",
        _notebook(_cell(HEAD, [_result(CUSTOMERS)])),
        {
            ("pii.email", 1, 2),
            ("pii.phone", 1, 2),
            ("pii.national_id.us_ssn", 1, 2),
            ("pii.person_name", 1, 2),
        },
        set(),
    ),
    ("same-notebook-outputs-cleared", _notebook(_cell(HEAD)), set(), set()),
    (
        "output-mentions-email-without-an-address",
        _notebook(
            _cell(
                ["df.columns"],
                [_stream(["Index(['name', 'email', 'phone', 'ssn'])\n", "missing email: 42\n"])],
            )
        ),
        set(),
        set(),
    ),
    (
        "card-lookalikes-failing-luhn",
        _notebook(_cell(["cards.head()"], [_result(CARDS_FAILING_LUHN)])),
        set(),
        set(),
    ),
    (
        "valid-cards-printed",
        _notebook(_cell(["cards.head()"], [_result(CARDS_VALID)])),
        {("pii.payment_card", 1, 2)},
        set(),
    ),
    (
        "html-only-table",
        _notebook(_cell(["display(df)"], [_html_only(HTML_TABLE)])),
        {("pii.email", 1, 1), ("pii.person_name", 1, 1)},
        set(),
    ),
    (
        "binary-image-output-ignored",
        _notebook(_cell(["plot(df)"], [PNG_WITH_DIGITS])),
        set(),
        set(),
    ),
    (
        "record-pasted-into-source",
        _notebook(
            _cell(["import pandas as pd\n"]),
            _cell(
                [
                    "# quick check of the parser\n",
                    "row = {'email': 'frank.ode@brightmail.io', 'ssn': '536-22-1845'}\n",
                ]
            ),
        ),
        set(),
        {("pii.email", 2, 2), ("pii.national_id.us_ssn", 2, 2)},
    ),
    (
        "second-output-lines-follow-the-first",
        _notebook(
            _cell(
                ["print('rows'); df.head()"],
                [_stream(["rows\n", "3\n"]), _result(CUSTOMERS[:2])],
            )
        ),
        {
            ("pii.email", 1, 4),
            ("pii.phone", 1, 4),
            ("pii.national_id.us_ssn", 1, 4),
            ("pii.person_name", 1, 4),
        },
        set(),
    ),
    (
        "nbformat3-result-beside-output-type",
        _notebook(
            _cell(
                ["df.head()"],
                [{"output_type": "pyout", "prompt_number": 1, "text": CUSTOMERS, "png": "iVBO"}],
            )
        ),
        {
            ("pii.email", 1, 2),
            ("pii.phone", 1, 2),
            ("pii.national_id.us_ssn", 1, 2),
            ("pii.person_name", 1, 2),
        },
        set(),
    ),
    (
        "traceback-not-classified",
        _notebook(
            _cell(
                ["lookup(ssn)"],
                [
                    {
                        "output_type": "error",
                        "ename": "KeyError",
                        "evalue": "alice.moreau@brightmail.io",
                        "traceback": ["KeyError: 'alice.moreau@brightmail.io'"],
                    }
                ],
            )
        ),
        set(),
        set(),
    ),
    (
        "column-names-and-code-only",
        _notebook(
            _cell(
                [
                    "EMAIL_COLUMN = 'email'\n",
                    "df = df[df.email.str.contains('@') & df.ssn.notna()]\n",
                    "print(f'phone numbers: {df.phone.count()}')\n",
                ],
                [_stream(["phone numbers: 3\n", "ssn nulls: 0, card_number dtype: object\n"])],
            )
        ),
        set(),
        set(),
    ),
]


def _read(tmp_path: Path, document: dict[str, Any] | str) -> Reading:
    path = tmp_path / "nb.ipynb"
    body = document if isinstance(document, str) else json.dumps(document, indent=1)
    path.write_text(body, encoding="utf-8")
    (entry,) = walk_tree(tmp_path).files
    return read_notebook(entry, LIMIT)


def _places(records: object) -> set[tuple[str, int, int]]:
    assert isinstance(records, list)
    return {(r["class"], r["cell"], r["line"]) for r in records}


@pytest.mark.parametrize(
    ("document", "outputs", "sources"),
    [pytest.param(d, o, s, id=name) for name, d, o, s in CASES],
)
def test_pii_in_notebook_outputs_and_sources(
    tmp_path: Path,
    document: dict[str, Any],
    outputs: set[tuple[str, int, int]],
    sources: set[tuple[str, int, int]],
) -> None:
    reading = _read(tmp_path, document)
    assert reading.skipped == []
    assert _places(reading.properties["pii_in_outputs"]) == outputs
    assert _places(reading.properties["pii_in_sources"]) == sources
    assert "pii_scan_partial" not in reading.properties


def test_records_count_rows_and_keep_no_values(tmp_path: Path) -> None:
    reading = _read(tmp_path, _notebook(_cell(HEAD, [_result(CUSTOMERS, html=HTML_TABLE)])))
    records = {r["class"]: r for r in reading.properties["pii_in_outputs"]}  # type: ignore[union-attr]
    # text/plain is preferred over the HTML of the same frame: three rows, not five
    assert records["pii.email"]["count"] == 3
    assert records["pii.national_id.us_ssn"]["count"] == 3
    assert records["pii.national_id.us_ssn"]["shape"] == "999-99-9999"
    assert records["pii.email"]["confidence"] >= notebook_pii.MIN_CONFIDENCE
    text = json.dumps(reading.properties)
    for value in PLANTED_VALUES:
        assert value not in text


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param('{"cells": [', "invalid JSON", id="truncated-json"),
        pytest.param("not json at all", "invalid JSON", id="not-json"),
        pytest.param('{"cells": {"0": 1}}', "no 'cells' list", id="cells-not-a-list"),
    ],
)
def test_malformed_notebooks_give_a_problem_and_no_pii_records(
    tmp_path: Path, body: str, problem: str
) -> None:
    reading = _read(tmp_path, body)
    assert len(reading.skipped) == 1
    assert reading.skipped[0].location.endswith("/nb.ipynb")
    assert problem in reading.skipped[0].reason
    assert "pii_in_outputs" not in reading.properties


@pytest.mark.parametrize(
    "outputs",
    [
        pytest.param(["not an output", 7, None], id="outputs-not-objects"),
        pytest.param([{"output_type": "stream", "text": 42}], id="stream-text-not-text"),
        pytest.param([{"output_type": "execute_result", "data": ["x"]}], id="data-not-a-map"),
        pytest.param(
            [{"output_type": "execute_result", "data": {"text/plain": [1, None]}}],
            id="lines-not-strings",
        ),
    ],
)
def test_odd_output_shapes_are_ignored_without_error(tmp_path: Path, outputs: list[Any]) -> None:
    reading = _read(tmp_path, _notebook(_cell(["x"], outputs)))
    assert reading.skipped == []
    assert reading.properties["pii_in_outputs"] == []


def test_huge_output_is_cut_and_the_cut_reported(tmp_path: Path) -> None:
    row = "9  Alice Moreau  alice.moreau@brightmail.io\n"
    rows = [row] * (3 * notebook_pii.MAX_TEXT_CHARS // len(row))
    document = _notebook(*[_cell(["df"], [_result(rows)]) for _ in range(12)])
    started = time.perf_counter()
    reading = _read(tmp_path, document)
    elapsed = time.perf_counter() - started
    partial = reading.properties["pii_scan_partial"]
    assert partial == {"cut_texts": 10, "unread": 2}
    (problem,) = reading.skipped
    assert "personal-data scan partial" in problem.reason
    assert problem.location.endswith("/nb.ipynb")
    emails = [r for r in reading.properties["pii_in_outputs"] if r["class"] == "pii.email"]  # type: ignore[union-attr]
    assert [r["cell"] for r in emails] == list(range(1, 11))
    assert all(r["count"] <= notebook_pii.MAX_TEXT_CHARS // len(row) + 1 for r in emails)
    assert elapsed < 60


def test_engine_is_built_once_per_process() -> None:
    assert notebook_pii.pii_engine() is notebook_pii.pii_engine()
    classes = {d.data_class for d in notebook_pii.pii_engine().detectors}
    assert classes and all(c.startswith("pii.") for c in classes)
