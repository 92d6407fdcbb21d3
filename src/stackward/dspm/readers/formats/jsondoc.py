"""JSON and JSON Lines: one field sample per field path (``$.user.email``, ``$.items[].card``).

Arrays collapse to ``[]`` so every element of a list of records feeds the same path. The
walk is bounded (nesting depth, distinct paths) and the values of each path are a seeded
random sample. A document that does not parse is still handed on as free text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from stackward.artifacts.source import ByteSource
from stackward.dspm.readers.formats import problem
from stackward.dspm.readers.formats.lines import Decoding, LineReader, count_lines_problem
from stackward.dspm.readers.formats.sampling import Reservoir, capacity, describe, head_limit
from stackward.dspm.readers.formats.text import read_text
from stackward.dspm.records import FieldSample, ItemContent, Location, ReadLimits

MAX_DEPTH = 64
MAX_PATHS = 10_000
MAX_LINE_CHARS = 16 * 1024 * 1024
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")

Value = tuple[str, int | None]


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
    """Values seen per field path, each path a seeded reservoir; bounded depth and paths."""

    limits: ReadLimits
    names: dict[str, str] = field(default_factory=dict)
    samples: dict[str, Reservoir[Value]] = field(default_factory=dict)
    too_deep: bool = False
    too_many_paths: bool = False

    def add_document(
        self, document: object, line: int | None, path: str = "$", name: str = "$"
    ) -> None:
        stack: list[tuple[Any, str, str, int]] = [(document, path, name, 1 if path != "$" else 0)]
        while stack:
            value, path, name, depth = stack.pop()
            if isinstance(value, dict):
                if depth >= MAX_DEPTH:
                    self.too_deep = True
                    continue
                for key, child in reversed(list(value.items())):
                    stack.append((child, child_path(path, str(key)), str(key), depth + 1))
            elif isinstance(value, list):
                if depth >= MAX_DEPTH:
                    self.too_deep = True
                    continue
                stack.extend((child, f"{path}[]", name, depth + 1) for child in reversed(value))
            else:
                text = scalar_text(value)
                if text is not None:
                    self._add(path, name, text, line)

    def _add(self, path: str, name: str, text: str, line: int | None) -> None:
        sample = self.samples.get(path)
        if sample is None:
            if len(self.samples) >= MAX_PATHS:
                self.too_many_paths = True
                return
            wanted = capacity(self.limits.sample_rows, self.limits.full_scan)
            sample = Reservoir(wanted, self.limits.seed)
            self.samples[path] = sample
            self.names[path] = name
        sample.add((text, line))

    def to_fields(self, location: Location, with_lines: bool) -> list[FieldSample]:
        fields = []
        for path, sample in self.samples.items():
            kept = sample.items()
            fields.append(
                FieldSample(
                    location.with_field(path),
                    self.names[path],
                    [text for text, _ in kept],
                    sample.seen,
                    None,
                    [line or 0 for _, line in kept] if with_lines else None,
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
        return any(sample.sampled for sample in self.samples.values())


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
        if not text.strip():
            continue
        try:
            document = json.loads(text)
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
