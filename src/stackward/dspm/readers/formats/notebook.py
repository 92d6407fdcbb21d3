"""Jupyter notebooks: a text unit per cell source and per text output.

Secrets and personal data in notebooks sit in code cells and in printed outputs
(``df.head()``, tracebacks with connection strings). Images and other binary outputs are
skipped and counted.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

from stackward.artifacts.source import ByteSource
from stackward.dspm.readers.formats import problem
from stackward.dspm.readers.formats.lines import Decoding
from stackward.dspm.readers.formats.sampling import head_limit
from stackward.dspm.readers.formats.text import read_text
from stackward.dspm.records import ItemContent, Location, ReadLimits, TextUnit

_TEXT_MIME_PREFIXES = ("text/", "application/json", "application/javascript")
_STRING_ENCODERS = (encode_basestring, encode_basestring_ascii)
"""A string's JSON form as ``json.dumps`` writes it with ``ensure_ascii`` off, then on."""


def is_notebook(document: object) -> bool:
    return isinstance(document, dict) and isinstance(document.get("cells"), list)


def joined(value: object) -> str | None:
    """Notebook text fields are a string or a list of lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        try:
            return "".join(value)  # refuses any part that is not a string
        except TypeError:
            return None
    return None


def output_texts(output: dict[str, Any]) -> tuple[list[str], int]:
    """The texts of one output and how many binary payloads were skipped."""
    kind = output.get("output_type")
    if kind == "stream":
        text = joined(output.get("text"))
        return ([text] if text else []), 0
    if kind == "error":
        trace = joined(
            [f"{line}\n" for line in output.get("traceback") or [] if isinstance(line, str)]
        )
        head = f"{output.get('ename', '')}: {output.get('evalue', '')}\n"
        return [head + (trace or "")], 0
    texts, skipped = [], 0
    data = output.get("data")
    if isinstance(data, dict):
        for mime, value in data.items():
            if str(mime).startswith(_TEXT_MIME_PREFIXES):
                text = joined(value) if not isinstance(value, dict) else json.dumps(value)
                if text:
                    texts.append(text)
            else:
                skipped += 1
    return texts, skipped


class LineLocator:
    """Finds, in document order, the .ipynb line of each string of a cell's text lists.

    Notebook text is stored as JSON lists of lines; nbformat writes one list element per
    file line. Scanners that read the raw file report those file lines, so cell text lines
    are mapped back to them by searching each element's JSON form after the previous one.
    """

    def __init__(self, raw: str) -> None:
        self._raw = raw
        self._cursor = 0
        self._line = 1

    def _find(self, element: str) -> int | None:
        for encode in _STRING_ENCODERS:
            encoded = encode(element)
            position = self._raw.find(encoded, self._cursor)
            if position >= 0:
                self._line += self._raw.count("\n", self._cursor, position)
                self._cursor = position + len(encoded)
                return self._line
        return None

    def line_map(self, value: object) -> list[int] | None:
        """The file line of each line of ``joined(value)``, or None when not found."""
        elements = [value] if isinstance(value, str) else value
        if not isinstance(elements, list):
            return None
        lines: list[int] = []
        at_line_start = True
        for element in elements:
            if not isinstance(element, str):
                return None
            found = self._find(element)
            if found is None:
                return None
            breaks = element.count("\n")
            if breaks == 0:  # part of a line, or nothing
                if element and at_line_start:
                    lines.append(found)
                    at_line_start = False
                continue
            if breaks == 1 and element[-1] == "\n":  # one whole line, as nbformat writes
                if at_line_start:
                    lines.append(found)
                at_line_start = True
                continue
            segments = element.split("\n")
            for number, segment in enumerate(segments):
                if number:
                    at_line_start = True  # a newline ended the previous text line
                if at_line_start and (segment or number < len(segments) - 1):
                    lines.append(found)  # a text line starts inside this element
                    at_line_start = False
        return lines or None


def _unit(where: Location, text: str, value: object, locator: LineLocator | None) -> TextUnit:
    mapped = locator.line_map(value) if locator is not None else None
    return TextUnit(where, text, line_map=mapped)


def output_values(output: dict[str, Any]) -> list[object]:
    """The stored (unjoined) values behind ``output_texts``, in the same order, for line
    mapping; entries that are not stored as text give None."""
    kind = output.get("output_type")
    if kind == "stream":
        return [output.get("text")]
    if kind == "error":
        return [None]
    data = output.get("data")
    if not isinstance(data, dict):
        return []
    return [
        value if not isinstance(value, dict) else None
        for mime, value in data.items()
        if str(mime).startswith(_TEXT_MIME_PREFIXES)
        and (joined(value) if not isinstance(value, dict) else json.dumps(value))
    ]


def read_notebook_document(
    document: dict[str, Any],
    location: Location,
    content: ItemContent,
    locator: LineLocator | None = None,
) -> None:
    skipped = 0
    for index, cell in enumerate(document["cells"]):
        if not isinstance(cell, dict):
            content.problems.append(problem(location, f"cells[{index}] is not an object"))
            continue
        source = joined(cell.get("source"))
        if source:
            where = location.with_field(f"cells[{index}].source")
            content.texts.append(_unit(where, source, cell.get("source"), locator))
        outputs = cell.get("outputs")
        for number, output in enumerate(outputs if isinstance(outputs, list) else []):
            if not isinstance(output, dict):
                continue
            texts, binary = output_texts(output)
            skipped += binary
            where = location.with_field(f"cells[{index}].outputs[{number}]")
            raw_values = output_values(output)
            for position, text in enumerate(texts):
                value = raw_values[position] if position < len(raw_values) else None
                content.texts.append(_unit(where, text, value, locator))
    content.rows_read = content.rows_total = len(document["cells"])
    if skipped:
        content.sampling = f"all cells; {skipped} binary outputs (images etc.) skipped"


def read_notebook(
    source: ByteSource, location: Location, limits: ReadLimits, decoding: Decoding
) -> ItemContent:
    """Cell texts map their lines to the lines of the .ipynb file where they are stored."""
    limit = head_limit(source.size, limits.max_bytes_per_item, limits.full_scan)
    content = ItemContent(location, "notebook", bytes_total=source.size, bytes_read=limit)
    raw = source.read_at(0, limit)
    text = raw.decode(decoding.encoding or "utf-8", errors="replace")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = f"cut at {limit:,} bytes" if limit < source.size else str(exc)
        content = read_text(source, location, limits, decoding, kind="notebook")
        content.problems.insert(0, problem(location, f"notebook not parsed as JSON ({reason})"))
        return content
    if not is_notebook(document):
        content.problems.append(problem(location, "not a notebook (no 'cells' list)"))
        return content
    read_notebook_document(document, location, content, LineLocator(text))
    if decoding.note:
        content.problems.append(problem(location, decoding.note))
    return content
