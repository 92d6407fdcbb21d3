"""Free text: candidates from the engine, then extraction, validation and context scoring.

Hits that need a partner (``Detector.near``) are kept only when a partner hit is close, and
where hits cover the same characters the more confident one wins (a card number is not also
a phone number; two detectors of one class give one occurrence).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from stackward.dspm import context
from stackward.dspm.context import adjusted, window
from stackward.dspm.detector import Detector, Hit, Validation, Validator
from stackward.dspm.engine import CandidateEngine


@dataclass(slots=True, eq=False)
class _Plan:
    """What confirming a candidate of one detector needs, resolved once per engine so that
    the per-candidate loop does no look-ups by id and no rule compilation."""

    id: str
    data_class: str
    extract: re.Pattern[str] | None
    positive: re.Pattern[str] | None
    negative: re.Pattern[str] | None
    required: bool
    wants_window: bool
    validator: Validator | None
    confidence: float
    rounded: float
    """``round(confidence, 4)``: the confidence of a hit with no validator say and no context."""
    near: tuple[str, ...]
    near_chars: int
    secret: bool
    matched: dict[int, str]
    """``pattern <id> matched <n> characters`` by ``n``, made once per length."""


MATCHED_TEXTS_PER_DETECTOR = 256
_PLANS: dict[int, tuple[tuple[Detector, ...], list[_Plan]]] = {}


PLANNED_ENGINES = 32


def _plans(detectors: tuple[Detector, ...]) -> list[_Plan]:
    """The plans of an engine's detectors, by detector index, kept per detector tuple.

    The tuple itself is kept beside its plans and compared by identity: the ``id`` of a
    tuple that was freed can come back for another engine's detectors."""
    known = _PLANS.get(id(detectors))
    if known is not None and known[0] is detectors:
        return known[1]
    if len(_PLANS) >= PLANNED_ENGINES:
        _PLANS.clear()
    plans = []
    for detector in detectors:
        rules = context.rules(detector)
        plans.append(
            _Plan(
                detector.id,
                detector.data_class,
                detector.extract,
                rules.positive,
                rules.negative,
                rules.required,
                rules.wants_window,
                detector.validator,
                detector.confidence,
                round(detector.confidence, 4),
                detector.near,
                detector.near_chars,
                detector.data_class.startswith("secret."),
                {},
            )
        )
    _PLANS[id(detectors)] = (detectors, plans)
    return plans


_Found = tuple[int, int, str, float, tuple[str, ...], _Plan]
"""A confirmed hit before the overlap step: start, end, value, confidence, steps, plan."""


def classify_text(
    text: str, engine: CandidateEngine, *, field_context: str | None = None
) -> list[Hit]:
    """Confirmed hits in ``text``, sorted by start. ``field_context`` (a column or key name)
    is added to every candidate's context window: in structured data the name is context.

    Runs once per candidate of the whole corpus, so the common cases (no extract pattern,
    no context word nearby) are handled inline, and a ``Hit`` is made
    only for what survives the overlap step."""
    plans = _plans(engine.detectors)
    prefix = f"{field_context.lower()} " if field_context else ""
    found: list[_Found] = []
    keep = found.append
    for index, start, end in engine.candidates(text):
        plan = plans[index]
        value = text[start:end]
        hit_start, hit_end = start, end
        if plan.extract is not None:
            match = plan.extract.search(value)
            if match is None or not match.group("value"):
                continue
            hit_start, hit_end = start + match.start("value"), start + match.end("value")
            value = match.group("value")
        near = None
        around = ""
        if plan.required:
            # before the validator: context is cheaper than a CRF tagger or a checksum
            if plan.positive is None:
                continue
            around = prefix + window(text, start, end)
            near = plan.positive.search(around)
            if near is None:
                continue
        confidence = plan.confidence
        validator = plan.validator
        reason = None
        if validator is not None:
            verdict = _validate(validator, value)
            if not verdict.valid:
                continue
            reason = verdict.reason
            if verdict.confidence is not None:
                confidence = verdict.confidence
        if plan.wants_window and not plan.required:
            around = prefix + window(text, start, end)
            if plan.positive is not None:
                near = plan.positive.search(around)
        against = plan.negative.search(around) if plan.negative is not None else None
        length = end - start
        matched = plan.matched.get(length)
        if matched is None:
            matched = f"pattern {plan.id} matched {length} characters"
            if len(plan.matched) < MATCHED_TEXTS_PER_DETECTOR:
                plan.matched[length] = matched
        if near is None and against is None:
            confidence = plan.rounded if confidence is plan.confidence else round(confidence, 4)
            steps: tuple[str, ...] = (matched,) if reason is None else (matched, reason)
        else:
            confidence, reasons = adjusted(confidence, near, against)
            steps = (matched, *reasons) if reason is None else (matched, reason, *reasons)
        keep((hit_start, hit_end, value, confidence, steps, plan))
    if not found:
        return []
    return [_hit(f) for f in _resolve_overlaps(_with_partners(found))]


def _hit(found: _Found) -> Hit:
    start, end, value, confidence, steps, plan = found
    return Hit(plan.id, plan.data_class, start, end, value, confidence, steps)


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


def _with_partners(found: list[_Found]) -> list[_Found]:
    """Drop hits whose detector needs a partner (``near``) when none is close enough."""
    if not any(f[5].near for f in found):
        return found
    by_detector: dict[str, list[int]] = {}
    for hit in found:
        by_detector.setdefault(hit[5].id, []).append(hit[0])
    kept: list[_Found] = []
    for hit in found:
        needs = hit[5]
        if not needs.near or any(
            _start_within(by_detector.get(partner, []), hit, needs.near_chars)
            for partner in needs.near
        ):
            kept.append(hit)
    return kept


def _start_within(starts: list[int], hit: _Found, reach: int) -> bool:
    """Some start in the sorted ``starts`` lies within ``reach`` characters of ``hit``."""
    index = bisect.bisect_left(starts, hit[0] - reach)
    return index < len(starts) and starts[index] <= hit[1] + reach


def _resolve_overlaps(found: list[_Found]) -> list[_Found]:
    """Among overlapping hits keep the most confident (equal: longer): a card number is not
    also a phone number, and two detectors of one class report one occurrence.

    Hits arrive sorted by start; only runs of mutually overlapping hits are compared, so
    the cost stays linear in the number of hits for ordinary text. The final sort runs only
    when a run was resolved or starts were not strictly increasing (an extract pattern can
    move a start): otherwise the hits are in order already."""
    kept: list[_Found] = []
    cluster: list[_Found] = []
    reach = -1
    previous = -1
    unordered = False
    for hit in found:
        start = hit[0]
        if start <= previous:
            unordered = True
        previous = start
        if cluster and start >= reach:
            if len(cluster) == 1:
                kept.append(cluster[0])
            else:
                kept.extend(_best_of(cluster))
                unordered = True
            cluster = [hit]
            reach = hit[1]
        elif cluster:
            cluster.append(hit)
            if hit[1] > reach:
                reach = hit[1]
        else:
            cluster.append(hit)
            reach = hit[1]
    if len(cluster) > 1:
        unordered = True
    kept.extend(_best_of(cluster))
    if unordered:
        kept.sort(key=_start_and_detector)
    return kept


def _start_and_detector(hit: _Found) -> tuple[int, str]:
    return hit[0], hit[5].id


def _best_of(cluster: list[_Found]) -> list[_Found]:
    if len(cluster) < 2:
        return cluster
    ordered = sorted(cluster, key=_preference)
    chosen: list[_Found] = []
    for hit in ordered:
        if not any(k[0] < hit[1] and hit[0] < k[1] for k in chosen):
            chosen.append(hit)
    return chosen


def _preference(hit: _Found) -> tuple[float, bool, int]:
    return -hit[3], not hit[5].secret, -(hit[1] - hit[0])


def line_of(text: str, offset: int, first_line: int = 1) -> int:
    return first_line + text.count("\n", 0, offset)
