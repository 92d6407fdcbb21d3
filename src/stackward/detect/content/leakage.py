"""Leaks in the answers a model gave: its system prompt, and secrets or personal data.

System-prompt leakage (SW-DET-111; ATLAS AML.T0056 Extract LLM System Prompt, OWASP LLM07):
the response repeats at least ``RUN_WORDS`` consecutive words of the system prompt, or at
least ``SHARE_THRESHOLD`` of its 5-word shingles, or contains a configured canary string. The
system prompt is the event's ``system_prompt`` annotation and any known system prompts the
detector was given. Prompts shorter than ``MIN_SYSTEM_PROMPT_WORDS`` are too generic to tell a
leak from an echo ("You are a helpful assistant"), so only canaries cover them.

Sensitive data (SW-DET-112; AML.T0057 LLM Data Leakage, OWASP LLM02): the data classifier's
detectors and validators (``stackward.dspm``) run on the response; a value the user's own
prompt already contained is an echo, not a leak. Evidence is the classes, counts and masked
shapes, never a value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stackward.detect.alert import Alert
from stackward.detect.config import ContentSettings
from stackward.detect.content.alerts import annotation_text, event_alert
from stackward.detect.content.overlap import RUN_WORDS, Overlap, overlap, words
from stackward.detect.event import Event
from stackward.dspm.detector import Hit
from stackward.dspm.engine import CandidateEngine, default_engine
from stackward.dspm.evidence import pii_shape, secret_shape
from stackward.dspm.taxonomy import DATA_CLASSES
from stackward.dspm.text import classify_text
from stackward.frameworks import atlas, owasp_llm
from stackward.model import Severity

SYSTEM_PROMPT_RULE = "SW-DET-111"
SENSITIVE_DATA_RULE = "SW-DET-112"
SHARE_THRESHOLD = 0.4
MIN_SYSTEM_PROMPT_WORDS = 12
MIN_CANARY_CHARS = 6
MAX_RESPONSE_CHARS = 65_536
"""Characters of a response examined (parsers already cut annotations at 64 KiB)."""
MIN_CONFIDENCE = 0.5
"""The data classifier's default threshold (``dspm.classify.DEFAULT_MIN_CONFIDENCE``)."""
MAX_SHAPES = 3
"""Masked example shapes kept per data class."""


class LeakageDetector:
    """System-prompt and sensitive-data leakage in responses. Stateless."""

    name = "leakage"

    def __init__(
        self,
        settings: ContentSettings,
        *,
        system_prompts: Sequence[str] = (),
        canaries: Sequence[str] = (),
        engine: CandidateEngine | None = None,
    ) -> None:
        short = [c for c in canaries if len(c.strip()) < MIN_CANARY_CHARS]
        if short:
            raise ValueError(
                f"{len(short)} canary string(s) shorter than {MIN_CANARY_CHARS} characters:"
                " a canary must be long and unusual enough never to occur by chance"
            )
        self.settings = settings
        self._known = [w for w in map(words, system_prompts) if len(w) >= MIN_SYSTEM_PROMPT_WORDS]
        self._canaries = [c.strip().casefold() for c in canaries]
        self._engine = engine

    def process(self, event: Event) -> Iterable[Alert]:
        response = annotation_text(event, "response")[:MAX_RESPONSE_CHARS]
        if not self.settings.leakage or not response.strip():
            return ()
        alerts = []
        leak = self._system_prompt_leak(event, response)
        if leak is not None:
            alerts.append(leak)
        sensitive = self._sensitive_data(event, response)
        if sensitive is not None:
            alerts.append(sensitive)
        return alerts

    def _system_prompt_leak(self, event: Event, response: str) -> Alert | None:
        folded = response.casefold()
        canaries = [n for n, c in enumerate(self._canaries, 1) if c in folded]
        response_words = words(response)
        own = words(annotation_text(event, "system_prompt"))
        candidates = ([own] if len(own) >= MIN_SYSTEM_PROMPT_WORDS else []) + self._known
        best: Overlap | None = None
        for candidate in candidates:
            found = overlap(candidate, response_words)
            if _leaks(found) and (best is None or found.longest_run_words > best.longest_run_words):
                best = found
        if best is None and not canaries:
            return None
        evidence: dict[str, Any] = {"canaries": [f"canary #{n}" for n in canaries]}
        if best is not None:
            evidence |= {
                "system_prompt_words": best.system_prompt_words,
                "longest_run_words": best.longest_run_words,
                "shingle_share": round(best.shingle_share, 4),
            }
        what = f"{len(canaries)} canary string(s)" if canaries else ""
        if best is not None:
            run = f"{best.longest_run_words} consecutive words, {best.shingle_share:.0%} of its 5-word shingles"
            what = f"{what} and {run}" if what else run
        return event_alert(
            event,
            rule_id=SYSTEM_PROMPT_RULE,
            title="System prompt leaked in a response",
            description=f"A model response reproduces its system prompt ({what}).",
            severity=Severity.HIGH,
            detector=self.name,
            refs=(atlas("AML.T0056"), owasp_llm("LLM07")),
            evidence=evidence,
        )

    def _sensitive_data(self, event: Event, response: str) -> Alert | None:
        engine = self._engine if self._engine is not None else default_engine()
        prompt = annotation_text(event, "prompt")
        counts: dict[str, int] = {}
        shapes: dict[str, list[str]] = {}
        echoed = 0
        for hit in classify_text(response, engine):
            if hit.confidence < MIN_CONFIDENCE:
                continue
            if prompt and hit.value in prompt:
                echoed += 1
                continue
            counts[hit.data_class] = counts.get(hit.data_class, 0) + 1
            kept = shapes.setdefault(hit.data_class, [])
            if len(kept) < MAX_SHAPES:
                kept.append(_shape(hit))
        if not counts:
            return None
        severity = max(
            (DATA_CLASSES[c].severity for c in counts if c in DATA_CLASSES), default=Severity.MEDIUM
        )
        summary = ", ".join(f"{n} {c}" for c, n in counts.items())
        return event_alert(
            event,
            rule_id=SENSITIVE_DATA_RULE,
            title="Sensitive data in a model response",
            description=f"A model response contains sensitive data ({summary}).",
            severity=max(severity, Severity.MEDIUM),
            detector=self.name,
            refs=(atlas("AML.T0057"), owasp_llm("LLM02")),
            evidence={"classes": counts, "shapes": shapes, "echoed_from_prompt": echoed},
        )

    def flush(self, now: dt.datetime | None) -> Iterable[Alert]:
        return ()

    def snapshot(self) -> Mapping[str, Any]:
        return {}

    def restore(self, state: Mapping[str, Any]) -> None:
        return None


def _leaks(found: Overlap) -> bool:
    return found.longest_run_words >= RUN_WORDS or found.shingle_share >= SHARE_THRESHOLD


def _shape(hit: Hit) -> str:
    return secret_shape(hit.value) if hit.data_class.startswith("secret.") else pii_shape(hit.value)
