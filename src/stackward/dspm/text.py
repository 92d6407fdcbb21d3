"""Free text: candidates from the engine, then extraction, validation and context scoring.

Hits that need a partner (``Detector.near``) are kept only when a partner hit is close, and
where hits cover the same characters the more confident one wins (a card number is not also
a phone number; two detectors of one class give one occurrence).
"""

from __future__ import annotations

import bisect

from stackward.dspm import context
from stackward.dspm.detector import Detector, Hit, Validation, Validator
from stackward.dspm.engine import Candidate, CandidateEngine


def classify_text(
    text: str, engine: CandidateEngine, *, field_context: str | None = None
) -> list[Hit]:
    """Confirmed hits in ``text``, sorted by start. ``field_context`` (a column or key name)
    is added to every candidate's context window: in structured data the name is context."""
    hits: list[Hit] = []
    for candidate in engine.candidates(text):
        hit = _confirm(text, candidate, engine.detectors[candidate.detector], field_context)
        if hit is not None:
            hits.append(hit)
    if hits:
        hits = _with_partners(hits, _by_id(engine.detectors))
    return _resolve_overlaps(hits)


_BY_ID: dict[int, dict[str, Detector]] = {}


def _by_id(detectors: tuple[Detector, ...]) -> dict[str, Detector]:
    """Detectors by id, built once per engine's detector tuple (hashing detectors is slow)."""
    found = _BY_ID.get(id(detectors))
    if found is None or len(found) != len(detectors):
        found = _BY_ID[id(detectors)] = {d.id: d for d in detectors}
    return found


def _confirm(
    text: str, candidate: Candidate, detector: Detector, field_context: str | None
) -> Hit | None:
    start, end = candidate.start, candidate.end
    value = text[start:end]
    if detector.extract is not None:
        match = detector.extract.search(value)
        if match is None or not match.group("value"):
            return None
        start, end = start + match.start("value"), start + match.end("value")
        value = match.group("value")
    rules = context.rules(detector)
    around = ""
    found = None
    if rules.wants_window:
        around = context.window(text, candidate.start, candidate.end)
        if field_context:
            around = f"{field_context.lower()} {around}"
        if rules.positive is not None:
            found = rules.positive.search(around)
    if rules.required and found is None:
        return None  # before the validator: context is cheaper than a CRF tagger or a checksum
    confidence = detector.confidence
    reason = None
    if detector.validator is not None:
        verdict = _validate(detector.validator, value)
        if not verdict.valid:
            return None
        reason = verdict.reason
        if verdict.confidence is not None:
            confidence = verdict.confidence
    scored = context.adjust(rules, confidence, around, found)
    if scored.confidence is None:
        return None
    steps = [f"pattern {detector.id} matched {candidate.end - candidate.start} characters"]
    if reason is not None:
        steps.append(reason)
    steps.extend(scored.reasons)
    return Hit(detector.id, detector.data_class, start, end, value, scored.confidence, tuple(steps))


CACHED_VALUES_PER_VALIDATOR = 16_384
_VERDICTS: dict[Validator, dict[str, Validation]] = {}


def _validate(validator: Validator, value: str) -> Validation:
    """``validator(value)``, remembered: validators are pure, and real data repeats its
    values (the same names, hosts and keys line after line), while a validator may run a
    CRF tagger or a phone-number parser. Bounded per validator; the values stay in memory."""
    known = _VERDICTS.get(validator)
    if known is None:
        known = _VERDICTS[validator] = {}
    verdict = known.get(value)
    if verdict is None:
        if len(known) >= CACHED_VALUES_PER_VALIDATOR:
            known.clear()
        verdict = known[value] = validator(value)
    return verdict


def _with_partners(hits: list[Hit], detectors: dict[str, Detector]) -> list[Hit]:
    """Drop hits whose detector needs a partner (``near``) when none is close enough."""
    if not any(detectors[h.detector].near for h in hits):
        return hits
    by_detector: dict[str, list[int]] = {}
    for hit in hits:
        by_detector.setdefault(hit.detector, []).append(hit.start)
    kept: list[Hit] = []
    for hit in hits:
        needs = detectors[hit.detector]
        if not needs.near or any(
            _start_within(by_detector.get(partner, []), hit, needs.near_chars)
            for partner in needs.near
        ):
            kept.append(hit)
    return kept


def _start_within(starts: list[int], hit: Hit, reach: int) -> bool:
    """Some start in the sorted ``starts`` lies within ``reach`` characters of ``hit``."""
    index = bisect.bisect_left(starts, hit.start - reach)
    return index < len(starts) and starts[index] <= hit.end + reach


def _resolve_overlaps(hits: list[Hit]) -> list[Hit]:
    """Among overlapping hits keep the most confident (equal: longer): a card number is not
    also a phone number, and two detectors of one class report one occurrence.

    Hits arrive sorted by start; only runs of mutually overlapping hits are compared, so
    the cost stays linear in the number of hits for ordinary text."""
    kept: list[Hit] = []
    cluster: list[Hit] = []
    reach = -1
    for hit in hits:
        if cluster and hit.start >= reach:
            kept.extend(_best_of(cluster))
            cluster = []
        cluster.append(hit)
        reach = max(reach, hit.end) if len(cluster) > 1 else hit.end
    kept.extend(_best_of(cluster))
    kept.sort(key=lambda h: (h.start, h.detector))
    return kept


def _best_of(cluster: list[Hit]) -> list[Hit]:
    if len(cluster) < 2:
        return cluster
    ordered = sorted(
        cluster,
        key=lambda h: (-h.confidence, not h.data_class.startswith("secret."), -(h.end - h.start)),
    )
    chosen: list[Hit] = []
    for hit in ordered:
        if not any(k.start < hit.end and hit.start < k.end for k in chosen):
            chosen.append(hit)
    return chosen


def line_of(text: str, offset: int, first_line: int = 1) -> int:
    return first_line + text.count("\n", 0, offset)
