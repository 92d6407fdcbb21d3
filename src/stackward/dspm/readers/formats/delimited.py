"""CSV and TSV: one field sample per column, from a seeded random sample of rows.

The dialect is sniffed on the head (falling back to comma or tab by extension), the
header is detected, and rows are parsed strictly so broken quotes and ragged rows become
problems with line numbers. Only the head (``max_bytes_per_item``) is read unless a full
scan is asked for.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import chain, compress, islice
from operator import itemgetter

from stackward.artifacts.source import ByteSource
from stackward.dspm.readers.formats import problem
from stackward.dspm.readers.formats.lines import (
    Decoding,
    LineReader,
    count_lines_problem,
    read_lines,
)
from stackward.dspm.readers.formats.sampling import Reservoir, capacity, describe, head_limit
from stackward.dspm.records import FieldSample, ItemContent, Location, ReadLimits

SNIFF_CHARS = 32 * 1024
MAX_LINE_CHARS = 1024 * 1024
MAX_SHOWN_ERRORS = 5
MAX_REPLAYS = 100
_DELIMITERS = ",\t;|"
_CHUNK_ROWS = 4096

Row = tuple[int, list[str]]
_line = itemgetter(0)
_cells = itemgetter(1)


def sniff_dialect(sample: str, kind: str) -> tuple[type[csv.Dialect] | csv.Dialect, bool]:
    """The dialect and whether the first row is a header; extension defaults on failure."""
    fallback: type[csv.Dialect] = csv.excel_tab if kind == "tsv" else csv.excel
    cut = sample.rfind("\n")
    sample = sample[: cut + 1] if cut > 0 else sample
    sniffer = csv.Sniffer()
    try:
        dialect: type[csv.Dialect] | csv.Dialect = sniffer.sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        dialect = fallback
    first_line = sample.split("\n", 1)[0]
    if dialect.delimiter not in first_line and fallback.delimiter in first_line:
        dialect = fallback
    try:
        has_header = sniffer.has_header(sample)
    except csv.Error:
        has_header = True
    return dialect, has_header


def column_names(header: list[str] | None, width: int) -> list[str]:
    """Header names (blank or repeated ones made unique), else ``column_1``..``column_N``."""
    names: list[str] = []
    seen: set[str] = set()
    for index in range(width):
        name = header[index].strip() if header and index < len(header) else ""
        name = name or f"column_{index + 1}"
        unique, suffix = name, 2
        while unique in seen:
            unique, suffix = f"{name}_{suffix}", suffix + 1
        seen.add(unique)
        names.append(unique)
    return names


class _RowParser:
    """Records of a line stream with their first line; parse errors are counted, not raised.

    Rows are parsed strictly (RFC 4180 doubled quotes, whatever the sniffer guessed). When a
    record fails after swallowing several lines (an unterminated quote runs to the end of
    the item or past the field size limit), the lines after its first are parsed again, so
    one stray quote does not hide the rest of the file.

    The C :mod:`csv` reader pulls the lines straight from a list; the first line of each
    record is known from the reader's line count, so a row costs little Python work here.
    """

    def __init__(
        self, pieces: list[str], numbers: list[int] | None, dialect: type[csv.Dialect] | csv.Dialect
    ) -> None:
        self._pieces = pieces
        self._numbers = numbers
        self._dialect = dialect
        self.errors: list[tuple[int, str]] = []
        self.error_count = 0
        self.last_line = numbers[-1] if numbers else len(pieces)
        """The line number of the last line read (0 for an empty item)."""

    def _line(self, index: int) -> int:
        return self._numbers[index] if self._numbers is not None else index + 1

    def batches(self) -> Iterator[list[Row]]:
        """The records in order, in lists of up to ``_CHUNK_ROWS``.

        While every record is one line (checked per list from the reader's line count),
        the C reader fills each list and the lines are numbered without a Python step per
        record; at the first record over several lines or the first error, the rest is
        parsed record by record from the start of that list.
        """
        pieces, numbers = self._pieces, self._numbers
        reader = csv.reader(pieces, self._dialect, strict=True, doublequote=True)
        start = 0  # the index of the next record's first line
        while True:
            try:
                rows = list(islice(reader, _CHUNK_ROWS))
            except csv.Error:
                break
            if not rows:
                return
            end = reader.line_num
            if end - start != len(rows):
                break
            lines = numbers[start:end] if numbers is not None else range(start + 1, end + 1)
            start = end
            if [] in rows:  # blank lines
                kept = [(line, row) for line, row in zip(lines, rows, strict=True) if row]
                if kept:
                    yield kept
            else:
                yield list(zip(lines, rows, strict=True))
        slow = self._records(start)
        while chunk := list(islice(slow, _CHUNK_ROWS)):
            yield chunk

    def __iter__(self) -> Iterator[Row]:
        for batch in self.batches():
            yield from batch

    def _records(self, start: int) -> Iterator[Row]:
        """Records one by one from line index ``start`` (the first line of a record)."""
        pieces = self._pieces
        base = start  # the index of the reader's first line
        replays = 0
        reader = csv.reader(
            islice(pieces, start, None) if start else pieces,
            self._dialect,
            strict=True,
            doublequote=True,
        )
        numbers = self._numbers
        while True:
            try:
                if numbers is None:
                    for row in reader:
                        if row:
                            yield start + 1, row
                        start = base + reader.line_num
                else:
                    for row in reader:
                        if row:
                            yield numbers[start], row
                        start = base + reader.line_num
                return
            except csv.Error as exc:
                end = base + reader.line_num
                self.error_count += 1
                if len(self.errors) < MAX_SHOWN_ERRORS:
                    self.errors.append((self._line(start) if end > start else 0, str(exc)))
                if end - start > 1 and replays < MAX_REPLAYS:
                    replays += 1
                    base = start = start + 1
                    reader = csv.reader(
                        islice(pieces, start, None), self._dialect, strict=True, doublequote=True
                    )
                else:
                    start = end


def _columns(kept: list[Row], width: int) -> list[tuple[list[str], list[int]]]:
    """The non-blank values of each of ``width`` columns of the kept rows, with their lines."""
    if not kept:
        return [([], []) for _ in range(width)]
    value_lines = list(map(_line, kept))
    rows = list(map(_cells, kept))
    if set(map(len, rows)) != {width}:
        rows = [(cells + [""] * (width - len(cells)))[:width] for cells in rows]
    columns: list[tuple[list[str], list[int]]] = []
    for column in zip(*rows, strict=True):
        if "" not in column and not any(map(str.isspace, column)):  # no blank cell
            columns.append((list(column), value_lines[:]))
            continue
        stripped = list(map(str.strip, column))  # blank cells strip to "", which is false
        columns.append((list(compress(column, stripped)), list(compress(value_lines, stripped))))
    return columns


def read_delimited(
    source: ByteSource, location: Location, limits: ReadLimits, decoding: Decoding, kind: str
) -> ItemContent:
    content = ItemContent(location, kind, bytes_total=source.size)
    encoding = decoding.encoding or "latin-1"
    if decoding.note:
        content.problems.append(problem(location, decoding.note))
    limit = head_limit(source.size, limits.max_bytes_per_item, limits.full_scan)
    head = source.read_at(0, min(limit, SNIFF_CHARS * 4)).decode(encoding, errors="replace")
    dialect, has_header = sniff_dialect(head[:SNIFF_CHARS], kind)
    lines = LineReader(source, limit, encoding, MAX_LINE_CHARS)
    pieces, numbers = read_lines(lines)
    parser = _RowParser(pieces, numbers, dialect)
    batches = parser.batches()
    first = next(batches, [])
    header = first[0] if has_header and first else None
    sample: Reservoir[Row] = Reservoir(capacity(limits.sample_rows, limits.full_scan), limits.seed)
    width = len(header[1]) if header else 0
    ragged: list[int] = []
    ragged_count = 0
    truncated = limit < source.size
    last: Row | None = None  # held back: the last row of a cut head is probably cut too
    for chunk in chain([first[1:] if header else first], batches):
        if not chunk:
            continue
        width = width or len(chunk[0][1])
        if set(map(len, map(_cells, chunk))) != {width}:
            for line, cells in chunk:
                if len(cells) != width:
                    ragged_count += 1
                    if len(ragged) < 5:
                        ragged.append(line)
        if last is not None:
            sample.add(last)
        sample.extend(chunk[:-1])
        last = chunk[-1]
    if last is not None and not (truncated and parser.last_line == last[0]):
        sample.add(last)
    names = column_names(header[1] if header else None, width)
    kept = sample.items()
    total = sample.seen if not truncated else None
    for name, (values, value_lines) in zip(names, _columns(kept, width), strict=True):
        content.fields.append(
            FieldSample(location.with_field(name), name, values, len(kept), total, value_lines)
        )
    content.bytes_read = limit
    content.rows_read = sample.seen
    content.rows_total = None if truncated else sample.seen
    content.sampling = describe(limit, source.size, len(kept), sample.seen, limits.seed, "rows")
    if ragged_count:
        message = count_lines_problem(f"ragged rows (not {width} cells)", ragged_count, ragged)
        content.problems.append(problem(location, message))
    for line, message in parser.errors:
        content.problems.append(problem(location, f"line {line}: {message}"))
    if parser.error_count > len(parser.errors):
        more = parser.error_count - len(parser.errors)
        content.problems.append(problem(location, f"{more} more unparsable rows"))
    bad = lines.bad_lines_problem(encoding)
    if bad:
        content.problems.append(problem(location, bad))
    return content
