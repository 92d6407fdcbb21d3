"""Classification results at the grain of the data: item → field, item → line.

Nothing here holds a found value: a field verdict has counts and a confidence; an
occurrence has its class, place, confidence, a keyed fingerprint and a masked shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stackward.dspm.records import ItemContent, Location


@dataclass(frozen=True, slots=True)
class FieldFinding:
    field: str
    data_class: str
    confidence: float
    matched: int
    checked: int
    rows_read: int
    rows_total: int | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OccurrenceFinding:
    data_class: str
    detector: str
    field: str | None
    line: int | None
    confidence: float
    fingerprint: str
    shape: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClassSummary:
    count: int
    """Occurrences, plus the matched values of fields of that class."""
    confidence: float
    fields: tuple[str, ...]


@dataclass(slots=True)
class ItemResult:
    location: Location
    kind: str
    bytes_total: int | None = None
    bytes_read: int = 0
    rows_total: int | None = None
    rows_read: int = 0
    sampling: str = "full"
    problems: list[str] = field(default_factory=list)
    fields: list[FieldFinding] = field(default_factory=list)
    occurrences: list[OccurrenceFinding] = field(default_factory=list)
    _summary: tuple[int, int, dict[str, ClassSummary]] | None = field(
        default=None, repr=False, compare=False
    )
    """``classes()`` as last computed, with the lengths of the lists it was computed from."""

    @classmethod
    def empty(cls, content: ItemContent) -> ItemResult:
        return cls(
            location=content.location,
            kind=content.kind,
            bytes_total=content.bytes_total,
            bytes_read=content.bytes_read,
            rows_total=content.rows_total,
            rows_read=content.rows_read,
            sampling=content.sampling,
            problems=list(content.problems),
        )

    def classes(self) -> dict[str, ClassSummary]:
        """Per class: count, best confidence, fields. Findings are only ever appended, so
        the summary is computed again only when a list has grown (reports, the roll-up and
        the store each ask for it)."""
        summary = self._summary
        if summary is not None and summary[:2] == (len(self.fields), len(self.occurrences)):
            return summary[2]
        classes = self._count_classes()
        self._summary = (len(self.fields), len(self.occurrences), classes)
        return classes

    def _count_classes(self) -> dict[str, ClassSummary]:
        counts: dict[str, int] = {}
        best: dict[str, float] = {}
        fields: dict[str, list[str]] = {}
        for finding in self.fields:
            cls = finding.data_class
            counts[cls] = counts.get(cls, 0) + finding.matched
            best[cls] = max(best.get(cls, 0.0), finding.confidence)
            fields.setdefault(cls, []).append(finding.field)
        for occurrence in self.occurrences:
            cls = occurrence.data_class
            counts[cls] = counts.get(cls, 0) + 1
            best[cls] = max(best.get(cls, 0.0), occurrence.confidence)
            if occurrence.field is not None and occurrence.field not in fields.get(cls, []):
                fields.setdefault(cls, []).append(occurrence.field)
        return {
            cls: ClassSummary(counts[cls], best[cls], tuple(fields.get(cls, ())))
            for cls in sorted(counts)
        }


def item_json(item: ItemResult) -> dict[str, Any]:
    return {
        "source": item.location.source,
        "item": item.location.item,
        "kind": item.kind,
        "bytes_total": item.bytes_total,
        "bytes_read": item.bytes_read,
        "rows_total": item.rows_total,
        "rows_read": item.rows_read,
        "sampling": item.sampling,
        "problems": item.problems,
        "classes": {
            cls: {"count": s.count, "confidence": s.confidence, "fields": list(s.fields)}
            for cls, s in item.classes().items()
        },
        "fields": [
            {
                "field": f.field,
                "class": f.data_class,
                "confidence": f.confidence,
                "matched": f.matched,
                "checked": f.checked,
                "rows_read": f.rows_read,
                "rows_total": f.rows_total,
                "reasons": list(f.reasons),
            }
            for f in item.fields
        ],
        "occurrences": [
            {
                "class": o.data_class,
                "detector": o.detector,
                "field": o.field,
                "line": o.line,
                "confidence": o.confidence,
                "fingerprint": o.fingerprint,
                "shape": o.shape,
                "reasons": list(o.reasons),
            }
            for o in item.occurrences
        ],
    }
