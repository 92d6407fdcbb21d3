"""The Sigma detector: compiled rules over a stream of events, as a :class:`Detector`.

Rules are indexed by log source, and within it by a field each rule requires to equal one of a
few values (``eventName``, ``eventSource``...), so an event is tested only against the rules
that could match it. Single-event rules alert on every match; correlation rules keep bounded
sliding windows (see :mod:`stackward.detect.sigma.correlation`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stackward.detect.alert import MAX_EVENT_REFS, Alert, EventRef, alert_uid
from stackward.detect.event import MISSING, Event, LogSource
from stackward.detect.sigma.conditions import Getter, Predicate, compile_getter, is_top_level
from stackward.detect.sigma.correlation import (
    DEFAULT_MAX_GROUPS,
    DEFAULT_MAX_WINDOW_EVENTS,
    CorrelationWindows,
    Firing,
    WindowEntry,
)
from stackward.detect.sigma.rules import CompiledRule, CorrelationSpec, RuleInfo, RuleSet
from stackward.detect.sigma.values import text_of
from stackward.model.redact import redact_text

EXCERPT_FIELDS = 6
"""Fields of an event quoted (redacted, cut to :data:`EXCERPT_CHARS`) in an alert."""
EXCERPT_CHARS = 120
STATE_VERSION = 1
MAX_PLANS = 1024


MAX_MERGES = 4096
"""Merged candidate lists kept per log source (one per combination of index hits seen)."""

_Candidate = tuple[CompiledRule, Predicate]
"""A rule and what must be tested for it: its residual match when the index found it."""
_Numbered = tuple[tuple[int, _Candidate], ...]
_Hit = tuple[_Numbered, list[_Candidate]]
"""Rules indexed under one value: numbered (for merging) and as a ready list."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """The rules that can apply to one log source: always-tested ones and indexed ones."""

    always: _Numbered
    always_rules: list[_Candidate]
    indexed: tuple[tuple[str, Getter, Mapping[str, _Hit]], ...]
    """Per indexed field: its name when it is a top-level key (read inline), else "" and
    its getter; and its index."""
    merged: dict[tuple[int, ...], list[_Candidate]] = field(default_factory=dict)
    """Candidate lists of events that hit several index entries, by the hits' ids."""


class SigmaDetector:
    """Runs a :class:`RuleSet`; deterministic for a given event order."""

    name = "sigma"

    def __init__(
        self,
        rule_set: RuleSet,
        max_groups: int = DEFAULT_MAX_GROUPS,
        max_window_events: int = DEFAULT_MAX_WINDOW_EVENTS,
    ) -> None:
        self.rule_set = rule_set
        self._rules = list(enumerate(rule_set.rules))
        self._windows = {
            spec.info.key: CorrelationWindows(spec, max_groups, max_window_events)
            for spec in rule_set.correlations
        }
        self._feeds: dict[str, list[CorrelationWindows]] = {}
        for spec in rule_set.correlations:
            for key in spec.rules:
                self._feeds.setdefault(key, []).append(self._windows[spec.info.key])
        self._plans: dict[LogSource, _Plan] = {}
        self._quoted: dict[str, _Quoted] = {
            rule.info.key: _quoted(rule.fields) for rule in rule_set.rules
        }
        self._quoted_grouped: dict[tuple[str, str], _Quoted] = {
            (rule_key, spec.info.key): _quoted(
                tuple(dict.fromkeys((*self._rule_fields(rule_key), *spec.group_by)))
            )
            for spec in rule_set.correlations
            for rule_key in spec.rules
        }
        self.events = 0
        self.tests = 0
        self.matches: dict[str, int] = {}

    def process(self, event: Event) -> list[Alert]:
        self.events += 1
        alerts: list[Alert] = []
        candidates = self.candidates(event)
        self.tests += len(candidates)
        for rule, matches in candidates:
            if not matches(event):
                continue
            key = rule.info.key
            self.matches[key] = self.matches.get(key, 0) + 1
            if rule.alerts:
                alerts.append(self._single_alert(rule, event))
            for windows in self._feeds.get(key, ()):
                firing = self._feed(windows, rule, event)
                if firing is not None:
                    alerts.append(_correlation_alert(firing))
        return alerts

    def candidates(self, event: Event) -> list[_Candidate]:
        """The rules an event must be tested against, in rule-set order, each with the
        predicate that decides it (the test the index made on the way is not repeated)."""
        plan = self._plans.get(event.logsource)
        if plan is None:
            plan = self._plan(event.logsource)
        found: list[_Hit] = []
        fields = event.fields
        for name, get, index in plan.indexed:
            value = fields.get(name, MISSING) if name else get(event)
            if type(value) is str:
                hit = index.get(value.lower())
                if hit is not None:
                    found.append(hit)
                continue
            for item in value if type(value) is list else (value,):
                text = text_of(item)
                if text is not None and (hit := index.get(text.lower())) is not None:
                    found.append(hit)
        if not found:
            return plan.always_rules
        if len(found) == 1 and not plan.always:
            return found[0][1]
        key = tuple(map(id, found))
        merged = plan.merged.get(key)
        if merged is None:
            merged = _merge(found, plan.always)
            if len(plan.merged) < MAX_MERGES:
                plan.merged[key] = merged
        return merged

    def _plan(self, logsource: LogSource) -> _Plan:
        """Index the rules covering ``logsource``: each rule with required values goes under
        the field most rules share (fewest lookups per event), the others are always tested."""
        covering = [(n, r) for n, r in self._rules if r.logsource.covers(logsource)]
        popularity: dict[str, int] = {}
        for _, rule in covering:
            for found in rule.discriminators:
                popularity[found.field] = popularity.get(found.field, 0) + 1
        always: list[tuple[int, _Candidate]] = []
        by_field: dict[str, dict[str, list[tuple[int, _Candidate]]]] = {}
        for number, rule in covering:
            if not rule.discriminators:
                always.append((number, (rule, rule.match)))
                continue
            required, residual = max(
                zip(rule.discriminators, rule.residual_matches, strict=True),
                key=lambda pair: (popularity[pair[0].field], -len(pair[0].values)),
            )
            candidate = (rule, residual)
            index = by_field.setdefault(required.field, {})
            for value in sorted(required.values):
                index.setdefault(value, []).append((number, candidate))
        plan = _Plan(
            always=tuple(always),
            always_rules=[candidate for _, candidate in always],
            indexed=tuple(
                (
                    name if is_top_level(name) else "",
                    compile_getter(name),
                    {v: (tuple(rules), [c for _, c in rules]) for v, rules in index.items()},
                )
                for name, index in by_field.items()
            ),
        )
        if len(self._plans) < MAX_PLANS:
            self._plans[logsource] = plan
        return plan

    def _rule_fields(self, key: str) -> tuple[str, ...]:
        return next((r.fields for r in self.rule_set.rules if r.info.key == key), ())

    def _feed(self, windows: CorrelationWindows, rule: CompiledRule, event: Event) -> Firing | None:
        spec = windows.spec
        parts: list[str] = []
        for name in spec.group_by:
            source_field = spec.aliases.get(name, {}).get(rule.info.key, name)
            text = text_of(event.get(source_field))
            if text is None:
                return None  # events without the group-by value are not grouped
            parts.append(text)
        value: str | None = None
        if spec.kind == "value_count":
            value = text_of(event.get(spec.value_field))
            if value is None:
                return None
        entry = WindowEntry(
            time=event.time.timestamp(),
            iso=event.time.isoformat(),
            rule=rule.info.key,
            value=value,
            position=event.position,
            excerpt=_excerpt(event, self._quoted_grouped[(rule.info.key, spec.info.key)]),
            who=_who(event),
        )
        return windows.add(",".join(parts), entry)

    def _single_alert(self, rule: CompiledRule, event: Event) -> Alert:
        info = rule.info
        actor, target, source_ip = _who(event)
        return Alert(
            uid=alert_uid(info.key, "", event.position, event.position),
            rule_id=info.key,
            title=info.title,
            description=info.description,
            severity=info.severity,
            detector=self.name,
            time=event.time,
            first_seen=event.time,
            refs=info.refs,
            events=(EventRef(event.position, event.time, _excerpt(event, self._quoted[info.key])),),
            actor=actor,
            target=target,
            source_ip=source_ip,
            evidence={"sigma_id": info.sigma_id},
            tags=info.tags,
        )

    def flush(self, now: dt.datetime | None) -> list[Alert]:
        """Slide every window to ``now``; conditions fire as events arrive, so nothing is due."""
        stamp = None if now is None else now.timestamp()
        for windows in self._windows.values():
            windows.flush(stamp)
        return []

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable state: every correlation window with the events it holds."""
        return {
            "version": STATE_VERSION,
            "correlations": {key: w.snapshot() for key, w in self._windows.items()},
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        if state.get("version") != STATE_VERSION:
            return
        saved = state.get("correlations", {})
        for key, windows in self._windows.items():
            if key in saved:
                windows.restore(saved[key])

    def stats(self) -> dict[str, Any]:
        """Counters for operators: events, rule tests, matches and correlation state sizes."""
        return {
            "events": self.events,
            "rule_tests": self.tests,
            "matches": dict(self.matches),
            "correlation_groups": {k: len(w.groups) for k, w in self._windows.items()},
            "evicted_groups": {k: w.evicted for k, w in self._windows.items()},
            "late_events": {k: w.late for k, w in self._windows.items()},
            "window_overflow": {k: w.overflow for k, w in self._windows.items()},
        }


def _merge(found: list[_Hit], always: _Numbered) -> list[_Candidate]:
    """The candidates of several index hits and the always-tested rules, in rule-set order,
    each rule once."""
    numbered = [pair for hit in found for pair in hit[0]]
    numbered.extend(always)
    numbered.sort(key=_number)
    return list(dict(numbered).values())


def _number(pair: tuple[int, _Candidate]) -> int:
    return pair[0]


_SECRET_HINT = re.compile("pass|secret|token|api|access|private|credential|auth", re.IGNORECASE)
"""Every key that :func:`redact_text` redacts contains one of these; text without any of them
cannot change but for the length cut, so the redaction pass is skipped."""


def _may_hold_secret(text: str) -> bool:
    """:data:`_SECRET_HINT` found in ``text``; plain substring tests on ASCII text (many times
    faster than a case-insensitive regex), the regex itself where case folding is Unicode's."""
    if not text.isascii():
        return _SECRET_HINT.search(text) is not None
    low = text.lower()
    return (
        "pass" in low
        or "secret" in low
        or "token" in low
        or "api" in low
        or "access" in low
        or "private" in low
        or "credential" in low
        or "auth" in low
    )


@functools.lru_cache(maxsize=8192)
def _redacted(text: str) -> str:
    """Redaction is a regex pass; actors, addresses and targets repeat, so it is cached."""
    if not _may_hold_secret(text):
        return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
    return redact_text(text, max_len=EXCERPT_CHARS)


_Quoted = tuple[tuple[str, Getter], ...]


def _quoted(fields: Iterable[str]) -> _Quoted:
    return tuple((name, compile_getter(name)) for name in dict.fromkeys(fields))


def excerpt(event: Event, fields: Iterable[str]) -> dict[str, str]:
    """A few of the event's fields, redacted and cut, for an alert's evidence."""
    return _excerpt(event, _quoted(fields))


def _excerpt(event: Event, fields: _Quoted) -> dict[str, str]:
    quoted: dict[str, str] = {}
    for name, get in fields:
        if len(quoted) >= EXCERPT_FIELDS:
            break
        value = get(event)
        text = text_of(value)
        if text is None and isinstance(value, list | dict):
            text = json.dumps(value, default=str)[: EXCERPT_CHARS * 2]
        if text is not None:
            quoted[name] = _redacted(text)
    return quoted


def _who(event: Event) -> tuple[str, str, str]:
    annotations = event.annotations
    actor, target, source_ip = (
        annotations.get("actor"),
        annotations.get("target"),
        annotations.get("source_ip"),
    )
    return (
        "" if actor is None else _redacted(str(actor)),
        "" if target is None else _redacted(str(target)),
        "" if source_ip is None else _redacted(str(source_ip)),
    )


def _correlation_alert(firing: Firing) -> Alert:
    spec: CorrelationSpec = firing.spec
    info: RuleInfo = spec.info
    entries = firing.entries
    first, last = entries[0], entries[-1]
    refs = tuple(
        EventRef(e.position, e.datetime, dict(e.excerpt)) for e in entries[-MAX_EVENT_REFS:]
    )
    actor, target, source_ip = last.who
    return Alert(
        uid=alert_uid(info.key, firing.group, first.position, last.position),
        rule_id=info.key,
        title=info.title,
        description=info.description,
        severity=info.severity,
        detector="sigma",
        time=last.datetime,
        first_seen=first.datetime,
        refs=info.refs,
        events=refs,
        count=len(entries),
        group=firing.group,
        actor=actor,
        target=target,
        source_ip=source_ip,
        evidence={
            "sigma_id": info.sigma_id,
            "correlation": spec.kind,
            "value": firing.amount,
            "condition": f"{spec.op} {spec.threshold:g}",
            "timespan_seconds": spec.timespan,
            "rules": list(spec.rules),
        },
        tags=info.tags,
    )
