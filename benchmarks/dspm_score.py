"""Scoring of the DSPM benchmark: predictions against the planted truth. Pure functions.

Line level: a prediction (item, line, class) is a true positive when the truth has that
(item, line, class). A prediction with several candidate classes (an ambiguous native type)
counts for the first one the line holds. A prediction of ``pii.other`` / ``secret.other``
(also the second candidate of untyped "generic" hits) never earns a true positive of a
specific class: on a line that holds any planted value it is dropped, elsewhere it is a false
positive. Predictions are sets: one tool reporting the same line twice counts once.

Category level (PII, secrets): the same, with every class of the category taken as one.

Field level (structured data): (item, field, class) against the columns the majority rule
marked. Peers report lines, so their hits in CSV/JSONL are projected to the column the
reported span (or the value with the reported SHA-1) falls in, and a column is predicted for
a class when at least half of its non-empty values carry such a hit: the same rule that
made the truth.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from benchmarks.dspm_corpus import POSITIVE_SHARE, Planted
from benchmarks.dspm_peers import Prediction, sha1

OTHER = ("pii.other", "secret.other")


@dataclass(frozen=True, slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p is not None and r is not None and p + r else None

    def to_json(self) -> dict[str, float | int | None]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def category(class_id: str) -> str:
    return class_id.split(".", 1)[0]


def norm_field(name: str) -> str:
    """``$.user.email`` and ``user.email`` are the same field; ``[]`` steps are dropped."""
    name = name.removeprefix("$.").removeprefix("$")
    return name.replace("[]", "")


LineKey = tuple[str, int, str]


def line_truth(truth: Iterable[Planted]) -> dict[tuple[str, int], set[str]]:
    lines: dict[tuple[str, int], set[str]] = defaultdict(set)
    for t in truth:
        if t.line is not None:
            lines[(t.item, t.line)].add(t.cls)
    return lines


def resolve_lines(
    predictions: Iterable[Prediction], truth: dict[tuple[str, int], set[str]]
) -> set[LineKey]:
    """Each line prediction as the one (item, line, class) it counts as; dropped ones left out."""
    resolved: set[LineKey] = set()
    for p in predictions:
        if p.line is None or not p.classes:
            continue
        held = truth.get((p.item, p.line), set())
        hit = next((c for c in p.classes if c in held), None)
        if hit is not None:
            resolved.add((p.item, p.line, hit))
        elif any(c in OTHER for c in p.classes) and held:
            continue
        else:
            resolved.add((p.item, p.line, p.classes[0]))
    return resolved


def _count(
    predicted: set[tuple[object, ...]],
    true: set[tuple[object, ...]],
    key: Callable[[tuple[object, ...]], str],
) -> dict[str, Counts]:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for p in predicted:
        tally[key(p)][0 if p in true else 1] += 1
    for t in true - predicted:
        tally[key(t)][2] += 1
    return {k: Counts(*v) for k, v in sorted(tally.items())}


def score_lines(
    predictions: Iterable[Prediction], truth: list[Planted], items: set[str] | None = None
) -> dict[str, Counts]:
    """Per class, at line level; ``items`` limits both sides to those items."""
    lines = line_truth(truth)
    predicted = {k for k in resolve_lines(predictions, lines) if items is None or k[0] in items}
    true = {
        (t.item, t.line, t.cls)
        for t in truth
        if t.line is not None and (items is None or t.item in items)
    }
    return _count(predicted, true, lambda k: str(k[2]))  # type: ignore[arg-type]


def score_categories(
    predictions: Iterable[Prediction], truth: list[Planted], items: set[str] | None = None
) -> dict[str, Counts]:
    """Per category (``pii``, ``secret``), any class of it on the line counting."""
    lines = line_truth(truth)
    by_category = {key: {category(c) for c in classes} for key, classes in lines.items()}
    predicted: set[tuple[object, ...]] = set()
    for p in predictions:
        if p.line is None or not p.classes or (items is not None and p.item not in items):
            continue
        cat = category(p.classes[0])
        held = by_category.get((p.item, p.line), set())
        if cat not in held and held and all(c in OTHER for c in p.classes):
            continue
        predicted.add((p.item, p.line, cat))
    true: set[tuple[object, ...]] = {
        (item, line, cat)
        for (item, line), cats in by_category.items()
        for cat in cats
        if items is None or item in items
    }
    return _count(predicted, true, lambda k: str(k[2]))


FieldKey = tuple[str, str, str]


def score_fields(
    predicted: set[FieldKey], truth: list[Planted], items: set[str] | None = None
) -> dict[str, Counts]:
    true = {
        (t.item, norm_field(t.field), t.cls)
        for t in truth
        if t.field is not None and (items is None or t.item in items)
    }
    mine = {(i, norm_field(f), c) for i, f, c in predicted if items is None or i in items}
    return _count(mine, true, lambda k: str(k[2]))  # type: ignore[arg-type]


def total(counts: dict[str, Counts], keep: Callable[[str], bool]) -> Counts:
    picked = [c for k, c in counts.items() if keep(k)]
    return Counts(sum(c.tp for c in picked), sum(c.fp for c in picked), sum(c.fn for c in picked))


# --- projecting line hits to columns ------------------------------------------------------

Cell = tuple[str, int, int, str]
"""(field, start, end, value) of one cell of a line."""


def csv_cells(header: list[str], line: str) -> list[Cell]:
    """Spans of the cells of one CSV line (RFC 4180 quoting, no line breaks in cells)."""
    cells: list[Cell] = []
    start, quoted, i = 0, False, 0
    while i <= len(line):
        ch = line[i] if i < len(line) else ","
        if quoted:
            if ch == '"' and i + 1 < len(line) and line[i + 1] == '"':
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == ",":
            raw = line[start:i]
            value = next(csv.reader([raw]), [""])[0] if raw else ""
            name = header[len(cells)] if len(cells) < len(header) else f"#{len(cells)}"
            cells.append((name, start, i, value))
            start = i + 1
        i += 1
    return cells


def jsonl_cells(line: str) -> list[Cell]:
    """Spans of the leaf values of one compact JSON object line, by JSON path."""
    try:
        record = json.loads(line)
    except ValueError:
        return []
    cells: list[Cell] = []
    cursor = 0

    def walk(node: object, path: str) -> None:
        nonlocal cursor
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            at = line.find(json.dumps(key) + ":", cursor)
            if at < 0:
                return
            cursor = at + len(json.dumps(key)) + 1
            if isinstance(value, dict):
                walk(value, f"{path}.{key}")
            elif isinstance(value, str):
                raw = json.dumps(value)
                if line.startswith(raw, cursor):
                    cells.append((f"{path}.{key}", cursor + 1, cursor + len(raw) - 1, value))
                    cursor += len(raw)

    walk(record, "$")
    return cells


def _cell_of(p: Prediction, cells: list[Cell]) -> str | None:
    if p.start is not None:
        return next((f for f, s, e, _ in cells if s <= p.start < max(e, s + 1)), None)
    if p.secret_sha1 is not None:
        for f, _, _, value in cells:
            if sha1(value) == p.secret_sha1 or any(sha1(w) == p.secret_sha1 for w in value.split()):
                return f
    return None


def project_fields(
    predictions: Iterable[Prediction], read_lines: Callable[[str], list[str] | None]
) -> set[FieldKey]:
    """Columns of CSV/JSONL items predicted by the majority of their values' line hits."""
    by_item: dict[str, list[Prediction]] = defaultdict(list)
    for p in predictions:
        if p.line is not None and p.item.endswith((".csv", ".jsonl")):
            by_item[p.item].append(p)
    fields: set[FieldKey] = set()
    for item, hits in sorted(by_item.items()):
        lines = read_lines(item)
        if not lines:
            continue
        is_csv = item.endswith(".csv")
        header = next(csv.reader([lines[0]]), []) if is_csv else []
        filled: dict[str, int] = defaultdict(int)
        first = 1 if is_csv else 0
        row_cells: dict[int, list[Cell]] = {}
        for number, line in enumerate(lines[first:], first + 1):
            cells = csv_cells(header, line) if is_csv else jsonl_cells(line)
            row_cells[number] = cells
            for f, _, _, value in cells:
                filled[f] += bool(value)
        marked: dict[tuple[str, str], set[int]] = defaultdict(set)
        for p in hits:
            assert p.line is not None
            name = _cell_of(p, row_cells.get(p.line, []))
            if name is not None and p.classes[0] not in OTHER:
                marked[(name, p.classes[0])].add(p.line)
        for (name, cls), rows in marked.items():
            if filled[name] and len(rows) >= POSITIVE_SHARE * filled[name]:
                fields.add((item, name, cls))
    return fields


def mbps(size_bytes: int, wall_s: float | None) -> float | None:
    return size_bytes / 1e6 / wall_s if wall_s else None
