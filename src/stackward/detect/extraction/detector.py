"""Model-extraction detection per API key (SW-DET-201, AML.T0024.002, OWASP LLM10).

An extraction attack is many queries from one key that together map the model: templated
sweeps, perturbations around seed prompts, harvested probabilities. No single request looks
wrong, so the detector keeps a bounded sliding window per key (on event time) and judges the
window's signals (see :mod:`~stackward.detect.extraction.signals`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from stackward.detect.alert import MAX_EVENT_REFS, Alert, EventRef, alert_uid
from stackward.detect.config import ExtractionSettings
from stackward.detect.event import Event
from stackward.detect.extraction.features import (
    prefix_digests,
    prompt_vector,
    shared_prefix_chars,
    template_shape,
)
from stackward.detect.extraction.keystate import NO_TEMPLATE, KeyState, WindowQuery
from stackward.detect.extraction.signals import Judgement, judge
from stackward.detect.extraction.thresholds import ExtractionThresholds
from stackward.detect.prompts import user_part
from stackward.frameworks import atlas, owasp_llm
from stackward.model import Severity

RULE_ID = "SW-DET-201"
TITLE = "Model extraction pattern from one API key"
REFS = (atlas("AML.T0024.002"), owasp_llm("LLM10"))
SNAPSHOT_VERSION = 1
MAX_TOKENS_PER_QUERY = 10_000_000
REPEAT_DISTANCE = 1e-9
"""A prompt this close to an earlier one is a repeat (a retry, a frequent question): it teaches
an extractor nothing, so it joins neither the distance set nor the reservoir."""
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _micros(time: dt.datetime) -> int:
    if time.tzinfo is None:
        time = time.replace(tzinfo=dt.UTC)
    return (time - _EPOCH) // dt.timedelta(microseconds=1)


def _from_micros(time_us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=time_us)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(min(max(value, 0), MAX_TOKENS_PER_QUERY))


def redact_key(value: str) -> str:
    """A display form of an API key that never shows it whole but tells keys apart.

    Parsers already pass a redacted form (``sk-a…wxyz``), kept as is; anything else is cut to
    its first and last four characters plus a short hash of the whole.
    """
    if "…" in value:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if len(value) <= 12:
        return f"#{digest}"
    return f"{value[:4]}…{value[-4:]}#{digest}"


def group_of(event: Event) -> str | None:
    """The key a query is counted under: the API key, else the actor, else the client IP."""
    key = _text(event.annotations.get("api_key"))
    if key:
        return f"api_key:{redact_key(key)}"
    for name in ("actor", "source_ip"):
        value = _text(event.annotations.get(name))
        if value:
            return f"{name}:{value}"
    return None


class ExtractionDetector:
    """Per-key model-extraction signals over ``category: llm`` events.

    Memory is bounded: at most ``settings.max_keys`` keys (least recently seen dropped and
    counted), and per key at most ``max_window_queries`` queries, ``reservoir`` prompt vectors
    and ``max_templates`` templates. One alert per key until its window stops meeting the rule.
    """

    name = "extraction"

    def __init__(
        self, settings: ExtractionSettings, thresholds: ExtractionThresholds | None = None
    ) -> None:
        self._settings = settings
        self._bounds = thresholds or ExtractionThresholds()
        self._window_us = round(settings.window_minutes * 60e6)
        self._keys: OrderedDict[str, KeyState] = OrderedDict()
        self._stats = {
            "events": 0,
            "not_llm": 0,
            "without_key": 0,
            "evicted_keys": 0,
            "alerts": 0,
        }

    def process(self, event: Event) -> Iterable[Alert]:
        if not self._settings.enabled:
            return []
        self._stats["events"] += 1
        if event.logsource.category != "llm":
            self._stats["not_llm"] += 1
            return []
        group = group_of(event)
        if group is None:
            self._stats["without_key"] += 1
            return []
        state = self._state_for(group)
        now_us = _micros(event.time)
        state.expire(now_us - self._window_us)
        state.add(self._query(state, event, now_us))
        state.judgement = None
        if len(state.queries) < self._settings.min_queries:
            state.alerted = False
            return []
        judgement = judge(state, self._settings.window_minutes, self._bounds)
        state.judgement = judgement
        if not judgement.fires:
            state.alerted = False
            return []
        if state.alerted:
            return []
        state.alerted = True
        self._stats["alerts"] += 1
        return [self._alert(group, state, event, judgement)]

    def _state_for(self, group: str) -> KeyState:
        state = self._keys.get(group)
        if state is not None:
            self._keys.move_to_end(group)
            return state
        state = KeyState(self._bounds)
        self._keys[group] = state
        while len(self._keys) > self._settings.max_keys:
            self._keys.popitem(last=False)
            self._stats["evicted_keys"] += 1
        return state

    @staticmethod
    def _query(state: KeyState, event: Event, now_us: int) -> WindowQuery:
        notes = event.annotations
        prompt = user_part(notes.get("prompt"), notes.get("system_prompt"))
        distance: float | None = None
        template = NO_TEMPLATE
        if prompt is not None:
            digests = prefix_digests(prompt)
            shared = shared_prefix_chars(state.previous_prefix, digests)
            state.previous_prefix = digests
            vector = prompt_vector(prompt[shared:])
            distance = state.nearest(vector)
            if distance is not None and distance <= REPEAT_DISTANCE:
                distance = None
            else:
                state.remember(now_us, vector)
            template = state.templates.assign(template_shape(prompt))
        return WindowQuery(
            time_us=now_us,
            tokens=_count(notes.get("input_tokens")) + _count(notes.get("output_tokens")),
            template=template,
            logprobs=notes.get("logprobs") is True,
            logit_bias=notes.get("logit_bias") is True,
            distance=distance,
            position=event.position,
            model=_text(notes.get("model"))[:200],
        )

    def _alert(self, group: str, state: KeyState, event: Event, judgement: Judgement) -> Alert:
        first = state.queries[0]
        recent = list(state.queries)[-MAX_EVENT_REFS:]
        notes = event.annotations
        held = ", ".join(judgement.held)
        return Alert(
            uid=alert_uid(RULE_ID, group, first.position, event.position),
            rule_id=RULE_ID,
            title=TITLE,
            description=(
                f"{judgement.queries} queries from {group} in {self._settings.window_minutes:g} "
                f"minutes look like model extraction ({judgement.reason}: {held})."
            ),
            severity=Severity.HIGH,
            detector=self.name,
            time=event.time,
            first_seen=_from_micros(first.time_us),
            refs=REFS,
            events=tuple(
                EventRef(
                    query.position,
                    _from_micros(query.time_us),
                    {"model": query.model, "tokens": query.tokens},
                )
                for query in recent
            ),
            count=judgement.queries,
            group=group,
            actor=_text(notes.get("actor"))[:300],
            target=_text(notes.get("model"))[:300],
            source_ip=_text(notes.get("source_ip"))[:100],
            evidence={
                "key": group,
                "queries_in_window": judgement.queries,
                "window_minutes": self._settings.window_minutes,
                "min_queries": self._settings.min_queries,
                "rule": judgement.reason,
                "signals_held": list(judgement.held),
                "signals": {signal.name: signal.to_evidence() for signal in judgement.signals},
            },
            tags=("model-extraction",),
        )

    def flush(self, now: dt.datetime | None) -> Iterable[Alert]:
        """Close windows that ended before ``now``; keys left empty are forgotten."""
        if now is None:
            return []
        cutoff = _micros(now) - self._window_us
        for group in list(self._keys):
            state = self._keys[group]
            state.expire(cutoff)
            state.judgement = None
            if not state.queries:
                del self._keys[group]
            elif len(state.queries) < self._settings.min_queries:
                state.alerted = False
        return []

    def judgement(self, group: str) -> Judgement | None:
        """The current signals of one key's window (None when it is not judged yet); for
        diagnostics and the benchmark, which records every signal a key ever showed."""
        state = self._keys.get(group)
        if state is None or len(state.queries) < self._settings.min_queries:
            return None
        if state.judgement is None:
            state.judgement = judge(state, self._settings.window_minutes, self._bounds)
        return state.judgement

    def stats(self) -> dict[str, int]:
        """Counters: events seen, skipped (not LLM, no key), keys tracked and evicted, alerts."""
        return {**self._stats, "keys": len(self._keys)}

    def snapshot(self) -> Mapping[str, Any]:
        return {
            "version": SNAPSHOT_VERSION,
            "stats": dict(self._stats),
            "keys": [[group, state.to_json()] for group, state in self._keys.items()],
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        """Replace the detector's state with a :meth:`snapshot`; a malformed one raises
        ``ValueError`` naming the problem and leaves the current state untouched."""
        if state.get("version") != SNAPSHOT_VERSION:
            raise ValueError(f"extraction snapshot: unknown version {state.get('version')!r}")
        try:
            keys: OrderedDict[str, KeyState] = OrderedDict(
                (str(group), KeyState.from_json(data, self._bounds))
                for group, data in state["keys"]
            )
            counters = {name: int(state["stats"][name]) for name in self._stats}
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"extraction snapshot: malformed state ({exc!r})") from exc
        self._keys = keys
        self._stats = counters
