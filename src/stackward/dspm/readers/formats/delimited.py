"""CSV and TSV: one field sample per column, from a seeded random sample of rows.

The dialect is sniffed on the head (falling back to comma or tab by extension), the
header is detected, and rows are parsed strictly so broken quotes and ragged rows become
problems with line numbers. Only the head (``max_bytes_per_item``) is read unless a full
scan is asked for.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator

from stackward.artifacts.source import ByteSource
from stackward.dspm.readers.formats import problem
from stackward.dspm.readers.formats.lines import Decoding, LineReader, count_lines_problem
from stackward.dspm.readers.formats.sampling import Reservoir, capacity, describe, head_limit
from stackward.dspm.records import FieldSample, ItemContent, Location, ReadLimits

SNIFF_CHARS = 32 * 1024
MAX_LINE_CHARS = 1024 * 1024
MAX_SHOWN_ERRORS = 5
MAX_REPLAYS = 100
_DELIMITERS = ",\t;|"

Row = tuple[int, list[str]]


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
    """

    def __init__(self, lines: LineReader, dialect: type[csv.Dialect] | csv.Dialect) -> None:
        self._lines = iter(lines)
        self._dialect = dialect
        self._replay: deque[tuple[int, str]] = deque()
        self._record: list[tuple[int, str]] = []
        self._reader = self._new_reader()
        self.errors: list[tuple[int, str]] = []
        self.error_count = 0
        self._replays = 0

    def _new_reader(self) -> Iterator[list[str]]:
        return csv.reader(self._texts(), self._dialect, strict=True, doublequote=True)

    def _texts(self) -> Iterator[str]:
        while True:
            if self._replay:
                line = self._replay.popleft()
            else:
                following = next(self._lines, None)
                if following is None:
                    return
                line = following
            self._record.append(line)
            yield line[1]

    def __iter__(self) -> Iterator[Row]:
        while True:
            self._record = []
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self._count_error(exc)
                continue
            if row and self._record:
                yield self._record[0][0], row

    def _count_error(self, exc: csv.Error) -> None:
        start = self._record[0][0] if self._record else 0
        self.error_count += 1
        if len(self.errors) < MAX_SHOWN_ERRORS:
            self.errors.append((start, str(exc)))
        if len(self._record) > 1 and self._replays < MAX_REPLAYS:
            self._replays += 1
            self._replay.extendleft(reversed(self._record[1:]))
            self._reader = self._new_reader()


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
    parser = _RowParser(lines, dialect)
    rows = iter(parser)
    header = next(rows, None) if has_header else None
    sample: Reservoir[Row] = Reservoir(capacity(limits.sample_rows, limits.full_scan), limits.seed)
    width = len(header[1]) if header else 0
    ragged: list[int] = []
    ragged_count = 0
    truncated = limit < source.size
    last: Row | None = None
    for row in rows:
        if last is not None:
            sample.add(last)
        last = row
        width = width or len(row[1])
        if len(row[1]) != width:
            ragged_count += 1
            if len(ragged) < 5:
                ragged.append(row[0])
    if last is not None and not (truncated and lines.line == last[0]):
        sample.add(last)  # the last row of a cut head is probably cut too
    names = column_names(header[1] if header else None, width)
    kept = sample.items()
    for index, name in enumerate(names):
        values, value_lines = [], []
        for line, cells in kept:
            if index < len(cells) and cells[index].strip():
                values.append(cells[index])
                value_lines.append(line)
        total = sample.seen if not truncated else None
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
