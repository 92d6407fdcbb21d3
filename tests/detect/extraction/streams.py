"""Synthetic query streams for the extraction tests: one key's events, evenly spaced."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from stackward.detect.event import Event, LogSource, Position

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LLM = LogSource("openai", "gateway", "llm")
_offsets = itertools.count(1)
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "ve", "so", "pi", "da", "gu", "fe", "ho", "ji"]


def event(
    key: str,
    minute: float,
    prompt: str | None,
    *,
    input_tokens: int = 30,
    output_tokens: int = 40,
    logsource: LogSource = LLM,
    **annotations: Any,
) -> Event:
    notes: dict[str, Any] = {
        "api_key": key,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "model": "gpt-test",
        **annotations,
    }
    if prompt is not None:
        notes["prompt"] = prompt
    offset = next(_offsets)
    return Event(
        time=START + dt.timedelta(minutes=minute),
        logsource=logsource,
        format="openai_gateway",
        fields={},
        position=Position("test://extraction", offset, offset),
        annotations={name: value for name, value in notes.items() if value is not None},
    )


def stream(
    key: str, prompts: list[str], per_minute: float, start: float = 0.0, **kw: Any
) -> list[Event]:
    return [event(key, start + i / per_minute, prompt, **kw) for i, prompt in enumerate(prompts)]


def _words(rng: random.Random) -> list[str]:
    return sorted({"".join(rng.choices(_SYLLABLES, k=rng.randint(1, 4))) for _ in range(2000)})


def natural(count: int, seed: int = 1) -> list[str]:
    """Unrelated prompts of varied length (pseudo-word sentences)."""
    rng = random.Random(seed)
    words = _words(rng)
    return [" ".join(rng.choices(words, k=rng.randint(4, 30))) + "?" for _ in range(count)]


def sweep(count: int, seed: int = 2) -> list[str]:
    """A systematic prober: one template, the slot value swept."""
    rng = random.Random(seed)
    words = _words(rng)
    return [
        f"What is the capital of {rng.choice(words)}? Answer in one word." for _ in range(count)
    ]


def perturbations(count: int, seed: int = 3, per_seed: int = 20) -> list[str]:
    """Probing around a few seed prompts: one or two words replaced per query."""
    rng = random.Random(seed)
    words = _words(rng)
    prompts: list[str] = []
    seed_words: list[str] = []
    for index in range(count):
        if index % per_seed == 0:
            seed_words = rng.choices(words, k=rng.randint(12, 24))
        variant = list(seed_words)
        for _ in range(rng.randint(1, 2)):
            variant[rng.randrange(len(variant))] = rng.choice(words)
        prompts.append(" ".join(variant))
    return prompts
