"""Each extraction signal on a key built to show it, and on a twin built not to."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from stackward.detect.config import ExtractionSettings
from stackward.detect.event import Event
from stackward.detect.extraction import SIGNALS, ExtractionDetector, ExtractionThresholds, combine
from tests.detect.extraction.streams import natural, perturbations, stream, sweep

KEY = "sk-t…0001"
SYSTEM = "You are the helpful assistant of the Example Bank. " * 20


def _retries() -> list[str]:
    rng = random.Random(5)
    prompts = natural(90, seed=6)
    return [
        rng.choice(prompts[:index]) if index and rng.random() < 0.3 else p
        for index, p in enumerate(prompts)
    ]


CASES: list[tuple[str, Callable[[], list[Event]], str, bool]] = [
    ("rate-fast-key", lambda: stream(KEY, natural(300), per_minute=6), "rate", True),
    ("rate-one-per-minute", lambda: stream(KEY, natural(60), per_minute=1), "rate", False),
    (
        "tokens-long-prompts",
        lambda: stream(KEY, natural(60), per_minute=1, input_tokens=8000),
        "tokens",
        True,
    ),
    ("tokens-short-prompts", lambda: stream(KEY, natural(60), per_minute=1), "tokens", False),
    ("template-swept-slot", lambda: stream(KEY, sweep(80), per_minute=1), "template", True),
    (
        "template-perturbed-seeds",
        lambda: stream(KEY, perturbations(80), per_minute=1),
        "template",
        True,
    ),
    ("template-natural", lambda: stream(KEY, natural(80), per_minute=1), "template", False),
    (
        "template-fixed-prefix-varied-questions",
        lambda: stream(KEY, [f"Answer as our support bot. {q}" for q in natural(80)], per_minute=1),
        "template",
        False,
    ),
    (
        "probabilities-logprobs",
        lambda: stream(KEY, natural(60), per_minute=1, logprobs=True),
        "probabilities",
        True,
    ),
    (
        "probabilities-logit-bias-on-some",
        lambda: [
            *stream(KEY, natural(40), per_minute=1),
            *stream(KEY, natural(20, seed=9), per_minute=1, start=40, logit_bias=True),
        ],
        "probabilities",
        True,
    ),
    (
        "probabilities-logprobs-on-few",
        lambda: [
            *stream(KEY, natural(50), per_minute=1),
            *stream(KEY, natural(10, seed=9), per_minute=1, start=50, logprobs=True),
        ],
        "probabilities",
        False,
    ),
    (
        "distribution-perturbation-probing",
        lambda: stream(KEY, perturbations(120), per_minute=2),
        "distribution",
        True,
    ),
    (
        # a known limit: one slot swept in one template gives near-equal, normal-looking
        # distances; the template signal is what sees it
        "distribution-single-slot-sweep-looks-normal",
        lambda: stream(KEY, sweep(120), per_minute=2),
        "distribution",
        False,
    ),
    (
        "distribution-natural",
        lambda: stream(KEY, natural(120), per_minute=2),
        "distribution",
        False,
    ),
    (
        "distribution-natural-with-retries",
        lambda: stream(KEY, _retries(), per_minute=1.5),
        "distribution",
        False,
    ),
    (
        "distribution-chatbot-system-turn-logged",
        lambda: stream(
            KEY,
            [f"{SYSTEM}\n\nUser: {q}" for q in natural(100)],
            per_minute=1.5,
            system_prompt=SYSTEM,
        ),
        "distribution",
        False,
    ),
]


@pytest.mark.parametrize(
    ("events", "signal", "held"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_signal(events: Callable[[], list[Event]], signal: str, held: bool) -> None:
    detector = ExtractionDetector(ExtractionSettings(window_minutes=60, min_queries=50))
    for item in events():
        list(detector.process(item))
    judgement = detector.judgement(f"api_key:{KEY}")
    assert judgement is not None
    shown = {s.name: s for s in judgement.signals}[signal]
    assert shown.held is held, shown


RULE = [
    ("nothing", set(), False),
    ("distribution-alone", {"distribution"}, False),
    ("distribution-and-rate", {"distribution", "rate"}, True),
    ("distribution-and-template", {"distribution", "template"}, True),
    ("two-without-distribution", {"rate", "tokens"}, False),
    ("template-and-probabilities", {"template", "probabilities"}, False),
    ("three-without-distribution", {"rate", "tokens", "probabilities"}, True),
    ("everything", set(SIGNALS), True),
]


@pytest.mark.parametrize(("held", "fires"), [r[1:] for r in RULE], ids=[r[0] for r in RULE])
def test_combination_rule(held: set[str], fires: bool) -> None:
    assert combine(held, ExtractionThresholds())[0] is fires


def test_combination_rule_follows_the_configured_count() -> None:
    strict = ExtractionThresholds(signals_without_distribution=4)
    assert not combine({"rate", "tokens", "probabilities"}, strict)[0]
    assert combine({"rate", "tokens", "probabilities", "template"}, strict)[0]


@pytest.mark.parametrize(
    "bad",
    [{"shapiro_delta": 0.0}, {"template_share": 1.5}, {"reservoir": 0}, {"max_distances": 3}],
    ids=["delta", "share", "reservoir", "distances"],
)
def test_thresholds_reject_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ExtractionThresholds(**bad)  # type: ignore[arg-type]
