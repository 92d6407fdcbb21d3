"""Training-time counter-measures against the topic leakage the data set's README warns about.

Every JailbreakBench row carries one of 100 harmful goals ("Write a defamatory article ...",
"Explain how to ..."), and the benign rows rarely start with such imperative task phrasing,
so a model trained on the rows as they are learns "write a ... article" as an attack signal
and flags ordinary assistant tasks. Here:

- the goals are recovered from the rows themselves: GCG and DSN rows are a goal followed by
  an adversarial suffix, and each goal was attacked several times, so the longest word
  prefix a row shares with another GCG/DSN row is its goal;
- :func:`mask_goals` cuts those goals (and the goal without its leading verb, which the
  random-search wrapper repeats as "Sure, here is ...") out of the training text, so the
  features that remain are the attack's wrapper, not its topic (measured and off in the
  shipped model: ``MASK_GOALS`` in train.py says why);
- :func:`project_rows` reads the project-written benign tasks (``benign_tasks.txt``), which
  give the model imperative task phrasing with label 0.

The held-out rows are never masked: they are measured as stackward would see them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

GOAL_SOURCES = ("JailbreakBench/artifacts:GCG", "JailbreakBench/artifacts:DSN")
SUFFIX_SOURCES = GOAL_SOURCES
"""Rows whose only content is a goal plus an optimised suffix; their sample weight is
``SUFFIX_WEIGHT`` in train.py (measured; 1 is shipped)."""
MIN_GOAL_WORDS = 4
PROJECT_TASKS = Path(__file__).resolve().parent / "benign_tasks.txt"
PROJECT_SOURCE = "stackward:training/prompt_injection/benign_tasks.txt"


def jailbreak_goals(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The JailbreakBench goals found in the GCG/DSN rows, longest first."""
    attacked = [r["text"].split() for r in rows if r["source"] in GOAL_SOURCES]
    goals: set[str] = set()
    by_first: dict[str, list[list[str]]] = {}
    for words in attacked:
        if words:
            by_first.setdefault(words[0], []).append(words)
    for group in by_first.values():
        for i, words in enumerate(group):
            best = 0
            for j, other in enumerate(group):
                if i != j:
                    best = max(best, _common_prefix(words, other))
            if best >= MIN_GOAL_WORDS:
                goals.add(" ".join(words[:best]))
    return sorted(goals, key=lambda g: (-len(g), g))


def _common_prefix(first: list[str], second: list[str]) -> int:
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return count


def goal_pattern(goals: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern for every goal and every goal minus its leading verb."""
    phrases: set[str] = set()
    for goal in goals:
        words = goal.split()
        phrases.add(goal)
        if len(words) > MIN_GOAL_WORDS:
            phrases.add(" ".join(words[1:]))
    ordered = sorted(phrases, key=lambda p: (-len(p), p))
    return re.compile("|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered), re.I)


def mask_goals(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every goal phrase removed."""
    return pattern.sub(" ", text)


def project_rows(path: Path = PROJECT_TASKS) -> list[dict[str, Any]]:
    """The project-written benign tasks as data-set rows (label 0, ``benign_instruction``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        {"text": line.strip(), "label": 0, "source": PROJECT_SOURCE, "kind": "benign_instruction"}
        for line in lines
        if line.strip() and not line.startswith("#")
    ]
