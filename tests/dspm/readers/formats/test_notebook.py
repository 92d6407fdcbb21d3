from __future__ import annotations

import json

import pytest

from stackward.dspm.records import Location, ReadLimits, TextUnit
from tests.dspm.readers.conftest import read_one

NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        {"cell_type": "markdown", "source": "# Load users"},
        {
            "cell_type": "code",
            "source": ["import pandas\n", "df = pandas.read_csv('users.csv')"],
            "outputs": [
                {"output_type": "stream", "name": "stdout", "text": ["loaded 3 rows\n"]},
                {
                    "output_type": "execute_result",
                    "data": {
                        "text/plain": ["   email\n", "0  ada@example.com"],
                        "image/png": "iVBORw0KGgo=",
                    },
                },
                {
                    "output_type": "error",
                    "ename": "KeyError",
                    "evalue": "'ssn'",
                    "traceback": ["Traceback", "KeyError: 'ssn'"],
                },
            ],
        },
    ],
}


def test_cells_and_text_outputs_are_units() -> None:
    content = read_one(json.dumps(NOTEBOOK).encode(), "analysis.ipynb")
    assert content.kind == "notebook"
    units = {unit.location.field: unit.text for unit in content.texts}
    assert units == {
        "cells[0].source": "# Load users",
        "cells[1].source": "import pandas\ndf = pandas.read_csv('users.csv')",
        "cells[1].outputs[0]": "loaded 3 rows\n",
        "cells[1].outputs[1]": "   email\n0  ada@example.com",
        "cells[1].outputs[2]": "KeyError: 'ssn'\nTraceback\nKeyError: 'ssn'\n",
    }
    assert content.sampling == "all cells; 1 binary outputs (images etc.) skipped"
    assert content.problems == []


def test_notebook_detected_without_extension() -> None:
    assert read_one(json.dumps(NOTEBOOK, indent=1).encode(), "export").kind == "notebook"


def test_broken_notebook_is_a_problem_and_read_as_text() -> None:
    data = json.dumps(NOTEBOOK).encode()[:-40]
    content = read_one(data, "cut.ipynb")
    assert content.problems[0].startswith("cut.ipynb: notebook not parsed as JSON")
    assert "read_csv" in content.texts[0].text


def test_json_without_cells_named_ipynb_is_a_problem() -> None:
    content = read_one(b'{"a": 1}', "odd.ipynb")
    assert content.problems == ["odd.ipynb: not a notebook (no 'cells' list)"]


def _mapped_units(
    notebook: dict[str, object], indent: int | None, ensure_ascii: bool = False
) -> tuple[str, list[TextUnit]]:
    from stackward.artifacts.source import BytesSource
    from stackward.dspm.readers.content import read_content

    raw = json.dumps(notebook, indent=indent, ensure_ascii=ensure_ascii)
    (content,) = read_content(
        BytesSource(raw.encode(), "nb.ipynb"), Location("/d", "nb.ipynb"), ReadLimits()
    )
    return raw, content.texts


NOTEBOOK_FOR_LINES = {
    "cells": [
        {"cell_type": "markdown", "source": ["# Title\n", "intro text"]},
        {
            "cell_type": "code",
            "source": ["import os\n", "token = 'abc'\n", "print(token)"],
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["abc\n", "done\n"]}],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.mark.parametrize("indent", [1, 2], ids=["nbformat-indent", "indent-2"])
def test_cell_lines_map_to_file_lines(indent: int) -> None:
    raw, units = _mapped_units(NOTEBOOK_FOR_LINES, indent)
    file_lines = raw.splitlines()
    for unit in units:
        for number, text_line in enumerate(unit.text.splitlines()):
            assert text_line.strip() in file_lines[unit.item_line(number) - 1]


def test_single_line_notebook_maps_every_cell_line_to_line_one() -> None:
    _, units = _mapped_units(NOTEBOOK_FOR_LINES, None)
    assert {unit.item_line(n) for unit in units for n in range(3)} == {1}


@pytest.mark.parametrize("ensure_ascii", [False, True], ids=["utf8-text", "escaped-text"])
def test_escaped_and_unescaped_cell_text_map_to_the_same_lines(ensure_ascii: bool) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "source": ["caf\u00e9 = 'na\u00efve'\n", 'say("hi\\n")\n', "\u2603"],
            },
            {"cell_type": "markdown", "source": ["tab\there\n", "end"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    _, units = _mapped_units(notebook, 1, ensure_ascii)
    assert [unit.line_map for unit in units] == [[6, 7, 8], [14, 15]]


def _reference_line_map(elements: list[str], found: list[int]) -> list[int] | None:
    """The file line of each text line, worked out segment by segment."""
    lines: list[int] = []
    at_line_start = True
    for element, line in zip(elements, found, strict=True):
        segments = element.split("\n")
        for number, segment in enumerate(segments):
            if number:
                at_line_start = True
            if at_line_start and (segment or number < len(segments) - 1):
                lines.append(line)
                at_line_start = False
    return lines or None


@pytest.mark.parametrize(
    "elements",
    [
        ["a\n", "b\n", "c"],
        ["a", "b\n", "\n", "c"],
        ["\n", "\n", "x\n", "\n"],
        ["two\nlines\n", "more"],
        ["", "x", ""],
        ["no end"],
        ["a\n\n", "b\nc", "d\n"],
        [""],
    ],
    ids=["lines", "parts", "blank-lines", "multi-line", "empty", "single", "mixed", "nothing"],
)
def test_line_map_matches_segment_by_segment(elements: list[str]) -> None:
    from stackward.dspm.readers.formats.notebook import LineLocator

    raw = "{\n" + ",\n".join(json.dumps(element) for element in elements) + "\n}"
    found = list(range(2, 2 + len(elements)))
    assert LineLocator(raw).line_map(elements) == _reference_line_map(elements, found)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("one\ntwo", "one\ntwo"),
        (["one\n", "two"], "one\ntwo"),
        ([], ""),
        (["one\n", 2], None),
        (["one", None], None),
        ({"text": "x"}, None),
        (None, None),
    ],
    ids=["string", "lines", "no-lines", "number-in-lines", "null-in-lines", "object", "null"],
)
def test_joined_takes_only_text(value: object, text: str | None) -> None:
    from stackward.dspm.readers.formats.notebook import joined

    assert joined(value) == text
