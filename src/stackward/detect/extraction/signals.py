"""The five extraction signals of one key's window, and the rule that combines them.

Each signal alone has an honest explanation: batch jobs are fast and heavy (rate, tokens),
evaluation jobs ask for logprobs, chatbots wrap questions in one template, retry loops and
paraphrasing skew the distance distribution. The rule therefore asks for agreement: the
distribution test (PRADA, the most specific signal) with at least one other, or
``signals_without_distribution`` signals (three by default) without it.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from stackward.detect.extraction.keystate import KeyState
from stackward.detect.extraction.thresholds import ExtractionThresholds

RATE = "rate"
TOKENS = "tokens"
TEMPLATE = "template"
PROBABILITIES = "probabilities"
DISTRIBUTION = "distribution"
SIGNALS = (RATE, TOKENS, TEMPLATE, PROBABILITIES, DISTRIBUTION)

MIN_DISTANCES = 8
"""Distances the Shapiro-Wilk test needs before it is read at all."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One measured signal: its value, the bound it is judged against, and whether it holds."""

    name: str
    value: float | None
    threshold: float
    held: bool
    extra: dict[str, float] = field(default_factory=dict)

    def to_evidence(self) -> dict[str, Any]:
        return {"value": self.value, "threshold": self.threshold, "held": self.held, **self.extra}


@dataclass(frozen=True, slots=True)
class Judgement:
    """The signals of one window and the rule's verdict."""

    queries: int
    signals: tuple[Signal, ...]
    fires: bool
    reason: str

    @property
    def held(self) -> tuple[str, ...]:
        return tuple(signal.name for signal in self.signals if signal.held)


@cache
def _shapiro() -> Any:
    """scipy's Shapiro-Wilk without its array-API and NaN-policy wrapper, which costs about
    eight times the test itself on the 256 values judged after every query (same result; the
    wrapped function is used when a scipy release does not expose it). Imported on first use:
    ``scipy.stats`` takes about two seconds to import, a cost a run without LLM logs need not
    pay."""
    from scipy import stats  # type: ignore[import-untyped]

    return getattr(stats.shapiro, "__wrapped__", stats.shapiro)


def shapiro_w(distances: list[float]) -> float | None:
    """Shapiro-Wilk W of the distances; None when there are too few or they are all equal."""
    if len(distances) < MIN_DISTANCES or max(distances) - min(distances) < 1e-9:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        statistic = float(_shapiro()(distances)[0])
    return round(statistic, 6)


def judge(state: KeyState, window_minutes: float, bounds: ExtractionThresholds) -> Judgement:
    """Measure every signal of ``state``'s window and apply the combination rule."""
    queries = len(state.queries)
    minutes = window_minutes
    if state.full:
        span_us = state.queries[-1].time_us - state.queries[0].time_us
        minutes = min(window_minutes, max(span_us / 60e6, 1 / 60))
    rate = queries / minutes
    tokens = state.tokens * (window_minutes / minutes)
    template = state.templates.top_count() / state.prompts if state.prompts else 0.0
    logprobs = state.logprobs / queries
    logit_bias = state.logit_bias / queries
    w = shapiro_w(state.distances())
    signals = (
        Signal(RATE, round(rate, 4), bounds.rate_per_minute, rate >= bounds.rate_per_minute),
        Signal(TOKENS, round(tokens), bounds.tokens_per_window, tokens >= bounds.tokens_per_window),
        Signal(
            TEMPLATE, round(template, 4), bounds.template_share, template >= bounds.template_share
        ),
        Signal(
            PROBABILITIES,
            round(logprobs, 4),
            bounds.logprobs_share,
            logprobs >= bounds.logprobs_share or logit_bias >= bounds.logit_bias_share,
            {
                "logit_bias_share": round(logit_bias, 4),
                "logit_bias_threshold": bounds.logit_bias_share,
            },
        ),
        Signal(DISTRIBUTION, w, bounds.shapiro_delta, w is not None and w < bounds.shapiro_delta),
    )
    fires, reason = combine([signal.name for signal in signals if signal.held], bounds)
    return Judgement(queries, signals, fires, reason)


def combine(held: Collection[str], bounds: ExtractionThresholds) -> tuple[bool, str]:
    """The combination rule over the names of the signals that hold, and why it fired."""
    if DISTRIBUTION in held and len(held) >= 2:
        return True, "distribution test and another signal"
    if len(held) >= bounds.signals_without_distribution:
        return True, f"{bounds.signals_without_distribution} or more signals"
    return False, ""
