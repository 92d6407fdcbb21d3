"""Prompt injection and jailbreak attempts in the prompts an LLM gateway logged.

Every event with a ``prompt`` annotation is checked by the curated patterns and scored by the
shipped classifier. A pattern match or a score at or above ``injection_threshold`` gives one
alert: SW-DET-102 when a jailbreak pattern matched, SW-DET-101 otherwise. The alert carries
the score, the pattern ids, the prompt's length and a redacted snippet of at most 120
characters, never the prompt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stackward.detect.alert import Alert
from stackward.detect.config import ContentSettings
from stackward.detect.content.alerts import annotation_text, event_alert, unique_refs
from stackward.detect.content.classifier import InjectionClassifier, shipped_classifier
from stackward.detect.content.features import clip
from stackward.detect.content.patterns import (
    InjectionPattern,
    PatternMatch,
    builtin_patterns,
    match_patterns,
    prepare,
)
from stackward.detect.event import Event
from stackward.detect.prompts import user_part
from stackward.frameworks import atlas, owasp_llm
from stackward.model import Severity
from stackward.model.redact import redact_text

INJECTION_RULE = "SW-DET-101"
JAILBREAK_RULE = "SW-DET-102"
SNIPPET_CHARS = 120
SNIPPET_LEAD = 20
"""Characters shown before the matched phrase, for context."""
CONFIDENT_SCORE = 0.9
"""A classifier score this high alone makes the alert high severity."""


class PromptInjectionDetector:
    """Rules plus the shipped classifier on prompts (AML.T0051, AML.T0054; OWASP LLM01).

    Stateless: each event is judged on its own, so ``snapshot`` is empty."""

    name = "prompt_injection"

    def __init__(
        self,
        settings: ContentSettings,
        *,
        classifier: InjectionClassifier | None = None,
        patterns: Sequence[InjectionPattern] | None = None,
    ) -> None:
        self.settings = settings
        self.classifier = classifier if classifier is not None else shipped_classifier()
        self.patterns = tuple(patterns) if patterns is not None else builtin_patterns()
        self._injection_refs = (atlas("AML.T0051"), owasp_llm("LLM01"))
        self._jailbreak_refs = (atlas("AML.T0054"), owasp_llm("LLM01"))

    def process(self, event: Event) -> Iterable[Alert]:
        prompt = user_part(annotation_text(event, "prompt"), event.annotations.get("system_prompt"))
        prompt = prompt or ""
        if not self.settings.prompt_injection or not prompt.strip():
            return ()
        scored = clip(prompt)
        prepared = prepare(scored)
        matches = match_patterns(prepared, self.patterns)
        score = self.classifier.score(scored)
        if not matches and score < self.settings.injection_threshold:
            return ()
        return (self._alert(event, prompt, prepared, matches, score),)

    def _alert(
        self, event: Event, prompt: str, prepared: str, matches: list[PatternMatch], score: float
    ) -> Alert:
        jailbreak = any(m.pattern.kind == "jailbreak" for m in matches)
        base = self._jailbreak_refs if jailbreak else self._injection_refs
        refs = unique_refs((base[0], *(r for m in matches for r in m.pattern.techniques), base[1]))
        severity = Severity.HIGH if matches or score >= CONFIDENT_SCORE else Severity.MEDIUM
        what = "jailbreak" if jailbreak else "prompt-injection"
        why = (
            f"matched {', '.join(m.pattern.id for m in matches)}"
            if matches
            else f"classifier score {score:.2f} at or above {self.settings.injection_threshold:.2f}"
        )
        return event_alert(
            event,
            rule_id=JAILBREAK_RULE if jailbreak else INJECTION_RULE,
            title="Jailbreak attempt in a prompt" if jailbreak else "Prompt injection in a prompt",
            description=f"A prompt sent to the model looks like a {what} attempt ({why}).",
            severity=severity,
            detector=self.name,
            refs=refs,
            evidence=_evidence(prompt, prepared, matches, score, self.settings.injection_threshold),
        )

    def flush(self, now: dt.datetime | None) -> Iterable[Alert]:
        return ()

    def snapshot(self) -> Mapping[str, Any]:
        return {}

    def restore(self, state: Mapping[str, Any]) -> None:
        return None


def _evidence(
    prompt: str, prepared: str, matches: list[PatternMatch], score: float, threshold: float
) -> dict[str, Any]:
    start = max(0, matches[0].start - SNIPPET_LEAD) if matches else 0
    return {
        "score": round(score, 4),
        "threshold": threshold,
        "patterns": [m.pattern.id for m in matches],
        "prompt_length": len(prompt),
        "snippet": redact_text(prepared[start : start + SNIPPET_CHARS].strip(), SNIPPET_CHARS),
    }
