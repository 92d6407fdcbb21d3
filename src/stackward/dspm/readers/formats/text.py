"""Plain text, Markdown, logs, code and configuration: free text in units cut at line ends."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from stackward.artifacts.source import ByteSource
from stackward.dspm.readers.formats import problem
from stackward.dspm.readers.formats.lines import Decoding, LineReader
from stackward.dspm.readers.formats.sampling import describe, head_limit
from stackward.dspm.records import ItemContent, Location, ReadLimits, TextUnit


def read_binary(source: ByteSource, location: Location) -> ItemContent:
    """Content that is not text is not an error: it is reported as not read."""
    return ItemContent(
        location,
        "binary",
        bytes_total=source.size,
        sampling="not read: binary content",
    )


def read_text(
    source: ByteSource,
    location: Location,
    limits: ReadLimits,
    decoding: Decoding,
    kind: str = "text",
) -> ItemContent:
    """Units of about ``limits.text_unit_bytes`` characters, each starting on a line start.

    A line longer than a unit is cut into unit-sized pieces, so one huge line (minified
    JSON, a base64 blob) still gives bounded units. Units are cut where the running length
    of the lines passes the unit size (a binary search, not a step per line).
    """
    if decoding.encoding is None:
        return read_binary(source, location)
    limit = head_limit(source.size, limits.max_bytes_per_item, limits.full_scan)
    unit_chars = max(1, limits.text_unit_bytes)
    lines = LineReader(source, limit, decoding.encoding, unit_chars)
    content = ItemContent(location, kind, bytes_total=source.size)
    pending: list[str] = []
    pending_chars = 0
    first_line = 1
    for pieces, numbers, first in lines.batches():
        ends = list(accumulate(map(len, pieces)))
        index, count = 0, len(pieces)
        while index < count:  # take the run of pieces that still fits the unit, in one go
            before = ends[index - 1] if index else 0
            stop = bisect_right(ends, before + unit_chars - pending_chars, index, count)
            if stop == index:
                if pending:
                    content.texts.append(TextUnit(location, "".join(pending), first_line))
                    pending, pending_chars = [], 0
                    continue
                stop = index + 1  # a piece longer than a unit is a unit of its own
            if not pending:
                first_line = numbers[index] if numbers is not None else first + index
            pending.append("".join(pieces[index:stop]))
            pending_chars += ends[stop - 1] - before
            index = stop
    if pending:
        content.texts.append(TextUnit(location, "".join(pending), first_line))
    content.bytes_read = limit
    content.rows_read = lines.line
    content.sampling = describe(limit, source.size, 0, 0, limits.seed, "lines")
    if decoding.note:
        content.problems.append(problem(location, decoding.note))
    bad = lines.bad_lines_problem(decoding.encoding)
    if bad:
        content.problems.append(problem(location, bad))
    return content
