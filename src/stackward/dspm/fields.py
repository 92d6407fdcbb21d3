"""Structured data: classify a column or field path from a sample of its values.

A field is of class C when at least half of its non-empty values are C. The name is a prior
(``email``, ``ssn``, ``card_number`` announce a class) and the context of every value; the
values confirm it. Values are checked in the (random) order the reader sampled them, and the
check stops as soon as a 99% Wilson interval puts every class seen clearly above or below
one half, so a 1,000-value sample of an obvious email column costs a few dozen values.

Values that are free text (sentences, log lines, ticket bodies) are not expected to be one
thing: their hits are kept as occurrences, each with its row's line when the reader knows it.
Secrets are always kept as occurrences too: each credential must be found and rotated.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from stackward.dspm.detector import Detector, Hit
from stackward.dspm.engine import CandidateEngine
from stackward.dspm.records import FieldSample
from stackward.dspm.text import classify_text

POSITIVE_SHARE = 0.5
MIN_VALUES = 30
Z_99 = 2.576
MAX_VALUE_CHARS = 4096
WHOLE_VALUE_SHARE = 0.6
"""A hit must cover this share of a (trimmed) value for the value to *be* that class."""
FREE_TEXT_MIN_CHARS = 40
FREE_TEXT_MIN_WORDS = 5


@dataclass(frozen=True, slots=True)
class FieldVerdict:
    data_class: str
    confidence: float
    matched: int
    checked: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A hit inside a free-text value (no value kept: its line, class and confidence)."""

    hit: Hit
    line: int | None


@dataclass(slots=True)
class FieldResult:
    verdicts: list[FieldVerdict] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    checked: int = 0
    """Values looked at (the early stop may leave the rest of the sample unread)."""
    free_text: bool = False
    name_prior: tuple[str, ...] = ()


def wilson(successes: int, trials: int, z: float = Z_99) -> tuple[float, float]:
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)


_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def normalise_name(name: str) -> str:
    """``customerEmail`` / ``Customer-Email`` / ``$.customer.email`` → ``customer email``."""
    spaced = _CAMEL.sub(" ", name)
    return " ".join(part for part in _SPLIT.split(spaced.lower()) if part)


def name_prior(name: str, detectors: tuple[Detector, ...]) -> tuple[str, ...]:
    """Classes whose detectors' field-name hints appear in ``name`` (as words or joined)."""
    words = normalise_name(name)
    joined = words.replace(" ", "_")
    found: list[str] = []
    for detector in detectors:
        for hint in detector.field_names:
            if _hint_in(hint, words, joined) and detector.data_class not in found:
                found.append(detector.data_class)
    return tuple(found)


def _hint_in(hint: str, words: str, joined: str) -> bool:
    if "_" in hint or " " in hint:
        return hint.replace(" ", "_") in joined
    return hint in words.split()


def _is_free_text(value: str) -> bool:
    return len(value) >= FREE_TEXT_MIN_CHARS and value.count(" ") + 1 >= FREE_TEXT_MIN_WORDS


def _whole_value_classes(value: str, hits: list[Hit]) -> set[str]:
    length = len(value.strip())
    return {
        h.data_class for h in hits if length and (h.end - h.start) >= WHOLE_VALUE_SHARE * length
    }


FIRST_BATCH = 32


def _values_with_hits(
    values: list[str], engine: CandidateEngine, context_name: str
) -> Iterator[tuple[int, str, list[Hit]]]:
    """Each value with its hits. Values are classified in growing batches joined into one
    text (one engine pass per batch instead of per value), so a column decided after 32
    values costs one pass; the caller stops pulling when the verdict is certain."""
    done = 0
    batch = FIRST_BATCH
    while done < len(values):
        chunk = [_one_line(v) for v in values[done : done + batch]]
        for offset, (value, hits) in enumerate(
            zip(chunk, _hits_per_value(chunk, engine, context_name), strict=True)
        ):
            yield done + offset, value, hits
        done += len(chunk)
        batch *= 2


def _one_line(value: str) -> str:
    """Cut to ``MAX_VALUE_CHARS``; line breaks become spaces (same length, same offsets)."""
    return value[:MAX_VALUE_CHARS].replace("\n", " ").replace("\r", " ")


def _hits_per_value(
    chunk: list[str], engine: CandidateEngine, context_name: str
) -> list[list[Hit]]:
    starts: list[int] = []
    position = 0
    for value in chunk:
        starts.append(position)
        position += len(value) + 1
    per_value: list[list[Hit]] = [[] for _ in chunk]
    for hit in classify_text("\n".join(chunk), engine, field_context=context_name):
        index = bisect.bisect_right(starts, hit.start) - 1
        if hit.end <= starts[index] + len(chunk[index]):  # never across two values
            per_value[index].append(hit)
    return per_value


def classify_field(sample: FieldSample, engine: CandidateEngine) -> FieldResult:
    """Verdicts for the field, and occurrences in its free-text values."""
    result = FieldResult(name_prior=name_prior(sample.name, engine.detectors))
    context_name = normalise_name(sample.name)
    counts: dict[str, int] = {}
    confidence_sum: dict[str, float] = {}
    free_values = 0
    for index, value, hits in _values_with_hits(sample.values, engine, context_name):
        result.checked += 1
        line = sample.lines[index] if sample.lines and index < len(sample.lines) else None
        whole = _whole_value_classes(value, hits)
        if whole:
            for cls in whole:
                counts[cls] = counts.get(cls, 0) + 1
                best = max(h.confidence for h in hits if h.data_class == cls)
                confidence_sum[cls] = confidence_sum.get(cls, 0.0) + best
        elif _is_free_text(value):
            free_values += 1
            result.occurrences.extend(Occurrence(h, line) for h in hits)
            continue
        # every credential is its own finding (each must be rotated), wherever it sits
        result.occurrences.extend(
            Occurrence(h, line) for h in hits if h.data_class.startswith("secret.")
        )
        if result.checked >= MIN_VALUES and _decided(counts, result.checked, free_values):
            break
    result.free_text = free_values * 2 > result.checked
    structured = result.checked - free_values
    for cls, matched in sorted(counts.items()):
        low, high = wilson(matched, structured)
        if matched / max(1, structured) < POSITIVE_SHARE:
            continue
        mean = confidence_sum[cls] / matched
        prior = cls in result.name_prior
        confidence = min(0.999, mean * (0.5 + low / 2) + (0.05 if prior else 0.0))
        reasons = (
            f"{matched} of {structured} values checked are {cls}",
            f"99% interval of the share: {low:.2f} to {high:.2f}",
            *(["the field name suggests it"] if prior else []),
        )
        verdict = FieldVerdict(cls, round(confidence, 4), matched, structured, reasons)
        result.verdicts.append(verdict)
    return result


def _decided(counts: dict[str, int], checked: int, free_values: int) -> bool:
    """Every class seen is clearly above or below one half. Free text never stops early, and
    neither does a field of credentials: each one in the sample is its own finding."""
    if free_values or any(cls.startswith("secret.") for cls in counts):
        return False
    for matched in counts.values():
        low, high = wilson(matched, checked)
        if low <= POSITIVE_SHARE <= high:
            return False
    return True
