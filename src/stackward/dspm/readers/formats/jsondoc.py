"""JSON and JSON Lines: one field sample per field path (``$.user.email``, ``$.items[].card``).

Arrays collapse to ``[]`` so every element of a list of records feeds the same path. The
walk is bounded (nesting depth, distinct paths) and the values of each path are a seeded
random sample. A document that does not parse is still handed on as free text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from stackward.artifacts.source import ByteSource
from stackward.dspm.readers.formats import problem
from stackward.dspm.readers.formats.lines import Decoding, LineReader, count_lines_problem
from stackward.dspm.readers.formats.sampling import (
    Reservoir,
    capacity,
    describe,
    head_limit,
    sample_list,
)
from stackward.dspm.readers.formats.text import read_text
from stackward.dspm.records import FieldSample, ItemContent, Location, ReadLimits

MAX_DEPTH = 64
MAX_PATHS = 10_000
MAX_LINE_CHARS = 16 * 1024 * 1024
_MAX_REMEMBERED_PARENTS = 4 * MAX_PATHS
"""Bounds the remembered child paths: parent paths, and keys under one parent."""
_CHECK_EVERY = 1 << 16
"""Keys and elements walked between two checks that the lists of values stay bounded."""
_JSON_SPACE = " \t\n\r"
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")

Value = tuple[str, int | None]
_first = itemgetter(0)
_second = itemgetter(1)


def _scanner() -> Callable[[str, int], tuple[Any, int]]:
    """The C scanner that ``json.loads`` itself ends in (``JSONDecoder.scan_once``)."""
    decoder: Any = json.JSONDecoder()
    scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once
    return scan


_SCAN = _scanner()


def parse_line(text: str) -> Any:
    """``json.loads(text)``, calling the C scanner directly (a record costs no Python-level
    decoder calls). Raises ValueError as ``json.loads`` does."""
    start = len(text) - len(text.lstrip(_JSON_SPACE))
    try:
        document, end = _SCAN(text, start)
    except StopIteration as exc:
        raise json.JSONDecodeError("Expecting value", text, exc.value) from None
    if text[end:].strip(_JSON_SPACE):
        raise json.JSONDecodeError("Extra data", text, end)
    return document


def child_path(path: str, key: str) -> str:
    """``$.user`` + ``email`` -> ``$.user.email``; odd keys are quoted: ``$["first name"]``."""
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def scalar_text(value: object) -> str | None:
    """The text of a scalar worth classifying; None for null, booleans and blank strings."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return json.dumps(value)
    return None


@dataclass(slots=True)
class PathSamples:
    """Values seen per field path, each path a seeded reservoir; bounded depth and paths.

    Documents are walked depth first in document order (so paths come out in the order
    they first appear). The path of each key under each parent path is worked out once and
    remembered, since the records of one item mostly share their paths.
    """

    limits: ReadLimits
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[Value]] = field(default_factory=dict)
    """Every value seen per path (of the sampled records), sampled per path at the end."""
    too_deep: bool = False
    too_many_paths: bool = False
    _children: dict[str, dict[str, str]] = field(default_factory=dict)
    _adders: dict[str, Callable[[Value], None]] = field(default_factory=dict)
    """``append`` of each path's list of values (``add`` of its reservoir once it has one)."""
    _reservoirs: dict[str, Reservoir[Value]] = field(default_factory=dict)
    """Paths with many more values than the sample needs, sampled as they come."""
    _unchecked: int = 0
    """Keys and elements walked since the lists of values were last bounded."""

    def add_document(
        self, document: object, line: int | None, path: str = "$", name: str = "$"
    ) -> None:
        self._walk(document, path, name, 1 if path != "$" else 0, line)
        if self._unchecked > _CHECK_EVERY:
            self._bound()

    def _bound(self) -> None:
        """Moves the values of paths with far more values than the sample needs into a
        reservoir (fed the same values in the same order, so the sample is the same), so
        memory stays bounded whatever the documents hold."""
        self._unchecked = 0
        wanted = capacity(self.limits.sample_rows, self.limits.full_scan)
        if wanted is None:
            return
        for path, values in self.values.items():
            if len(values) > 2 * wanted and path not in self._reservoirs:
                reservoir: Reservoir[Value] = Reservoir(wanted, self.limits.seed)
                reservoir.extend(values)
                self._reservoirs[path] = reservoir
                self._adders[path] = reservoir.add
                values.clear()

    def _walk(self, value: object, path: str, name: str, depth: int, line: int | None) -> None:
        """Adds the scalars under ``value`` (at ``path``, ``depth`` levels down)."""
        if isinstance(value, dict):
            self._walk_dict(value, path, depth, line)
        elif isinstance(value, list):
            self._walk_list(value, path, name, depth, line)
        else:
            text = scalar_text(value)
            if text is not None:
                self._add(path, name, text, line)

    def _walk_dict(self, value: dict[Any, Any], path: str, depth: int, line: int | None) -> None:
        """The keys of one object. Strings (the common case) are added here, without a call
        per value."""
        if depth >= MAX_DEPTH:
            self.too_deep = True
            return
        children = self._children.get(path)
        if children is None:
            if len(self._children) >= _MAX_REMEMBERED_PARENTS:
                self._children.clear()
            children = self._children[path] = {}
        adders = self._adders
        self._unchecked += len(value)
        for key, child in value.items():
            if type(key) is not str:
                key = str(key)
            child_at = children.get(key)
            if child_at is None:
                child_at = child_path(path, key)
                if len(children) < _MAX_REMEMBERED_PARENTS:
                    children[key] = child_at
            if type(child) is str:
                if child.strip():
                    add = adders.get(child_at)
                    if add is not None:
                        add((child, line))
                    else:
                        self._add(child_at, key, child, line)
            elif type(child) is dict:
                self._walk_dict(child, child_at, depth + 1, line)
            else:
                self._walk(child, child_at, key, depth + 1, line)

    def _walk_list(
        self, value: list[Any], path: str, name: str, depth: int, line: int | None
    ) -> None:
        if depth >= MAX_DEPTH:
            self.too_deep = True
            return
        element_at = f"{path}[]"
        adders = self._adders
        depth += 1
        for start in range(0, len(value), _CHECK_EVERY):  # one part unless it is huge
            part = (
                value[start : start + _CHECK_EVERY] if start or len(value) > _CHECK_EVERY else value
            )
            for child in part:
                if type(child) is str:  # the common case first, without a call
                    if child.strip():
                        add = adders.get(element_at)
                        if add is not None:
                            add((child, line))
                        else:
                            self._add(element_at, name, child, line)
                elif type(child) is dict:
                    self._walk_dict(child, element_at, depth, line)
                else:
                    self._walk(child, element_at, name, depth, line)
            self._unchecked += len(part)
            if self._unchecked > _CHECK_EVERY:
                self._bound()
                adders = self._adders

    def _add(self, path: str, name: str, text: str, line: int | None) -> None:
        add = self._adders.get(path)
        if add is None:
            if len(self.values) >= MAX_PATHS:
                self.too_many_paths = True
                return
            values: list[Value] = []
            self.values[path] = values
            self.names[path] = name
            add = self._adders[path] = values.append
        add((text, line))

    def to_fields(self, location: Location, with_lines: bool) -> list[FieldSample]:
        fields = []
        wanted = capacity(self.limits.sample_rows, self.limits.full_scan)
        for path, values in self.values.items():
            reservoir = self._reservoirs.get(path)
            if reservoir is not None:
                kept, seen = reservoir.items(), reservoir.seen
            else:
                kept, seen = sample_list(values, wanted, self.limits.seed), len(values)
            lines: list[int] | None = None
            if with_lines:
                found = list(map(_second, kept))
                lines = [line or 0 for line in found] if None in found else found
            fields.append(
                FieldSample(
                    location.with_field(path),
                    self.names[path],
                    list(map(_first, kept)),
                    seen,
                    None,
                    lines,
                )
            )
        return fields

    def problems(self, location: Location) -> list[str]:
        found = []
        if self.too_deep:
            found.append(problem(location, f"nested deeper than {MAX_DEPTH} levels; not read"))
        if self.too_many_paths:
            found.append(problem(location, f"more than {MAX_PATHS:,} field paths; rest skipped"))
        return found

    @property
    def sampled(self) -> bool:
        wanted = capacity(self.limits.sample_rows, self.limits.full_scan)
        return wanted is not None and (
            bool(self._reservoirs) or any(len(values) > wanted for values in self.values.values())
        )


def _sampling(
    limit: int, size: int, paths: PathSamples, limits: ReadLimits, records: Reservoir[Any]
) -> str:
    kept = len(records.items())
    sampling = describe(limit, size, kept, records.seen, limits.seed, "records")
    if not paths.sampled:
        return sampling
    values = f"up to {limits.sample_rows:,} values per field at random (seed {limits.seed})"
    return values if sampling == "full" else f"{sampling}; {values}"


def read_json(
    source: ByteSource, location: Location, limits: ReadLimits, decoding: Decoding, strict: bool
) -> ItemContent:
    """One JSON document. If it does not parse (or was cut at the byte limit), its text is
    read as free text instead; ``strict`` (a ``.json`` name) makes that a problem."""
    limit = head_limit(source.size, limits.max_bytes_per_item, limits.full_scan)
    encoding = decoding.encoding or "utf-8"
    raw = source.read_at(0, limit)
    try:
        document = json.loads(raw.decode(encoding, errors="replace"))
    except (ValueError, RecursionError) as exc:
        content = read_text(source, location, limits, decoding, kind="json" if strict else "text")
        if strict:
            reason = f"cut at {limit:,} bytes" if limit < source.size else str(exc)
            content.problems.insert(0, problem(location, f"not parsed as JSON ({reason})"))
        return content
    paths = PathSamples(limits)
    records: Reservoir[Any] = Reservoir(capacity(limits.sample_rows, limits.full_scan), limits.seed)
    if isinstance(document, list):
        for element in document:  # a list of records: sample records, then walk only those
            records.add(element)
        for element in records.items():
            paths.add_document(element, None, "$[]", "$")
    else:
        paths.add_document(document, None)
    content = ItemContent(location, "json", bytes_total=source.size, bytes_read=len(raw))
    content.fields = paths.to_fields(location, with_lines=False)
    content.rows_read = content.rows_total = len(document) if isinstance(document, list) else 1
    content.sampling = _sampling(limit, source.size, paths, limits, records)
    if decoding.note:
        content.problems.append(problem(location, decoding.note))
    content.problems.extend(paths.problems(location))
    return content


def read_jsonl(
    source: ByteSource, location: Location, limits: ReadLimits, decoding: Decoding
) -> ItemContent:
    """JSON Lines: each line one document; invalid lines are counted and named."""
    limit = head_limit(source.size, limits.max_bytes_per_item, limits.full_scan)
    encoding = decoding.encoding or "utf-8"
    lines = LineReader(source, limit, encoding, MAX_LINE_CHARS)
    paths = PathSamples(limits)
    records: Reservoir[tuple[Any, int]] = Reservoir(
        capacity(limits.sample_rows, limits.full_scan), limits.seed
    )
    invalid: list[int] = []
    invalid_count = 0
    truncated = limit < source.size
    for number, text in lines:
        if not text or text.isspace():  # as ``not text.strip()``, without copying the line
            continue
        try:
            document = parse_line(text)
        except (ValueError, RecursionError):
            if truncated and not text.endswith("\n"):
                break  # the last line of a cut head
            invalid_count += 1
            if len(invalid) < 5:
                invalid.append(number)
            continue
        records.add((document, number))
    content = ItemContent(location, "jsonl", bytes_total=source.size, bytes_read=limit)
    for document, number in records.items():  # walk only the sampled records
        paths.add_document(document, number)
    content.fields = paths.to_fields(location, with_lines=True)
    content.rows_read = records.seen
    content.rows_total = None if truncated else records.seen
    content.sampling = _sampling(limit, source.size, paths, limits, records)
    if decoding.note:
        content.problems.append(problem(location, decoding.note))
    if invalid_count:
        content.problems.append(
            problem(location, count_lines_problem("invalid JSON lines", invalid_count, invalid))
        )
    content.problems.extend(paths.problems(location))
    bad = lines.bad_lines_problem(encoding)
    if bad:
        content.problems.append(problem(location, bad))
    return content
