"""The keyword-list baseline: a plain list of phrases, any match (case-insensitive) means
attack. It is what the detector is measured against, and is not used by stackward itself."""

from __future__ import annotations

KEYWORDS = (
    "ignore previous instructions",
    "ignore all previous",
    "ignore the above",
    "disregard",
    "system prompt",
    "jailbreak",
    "do anything now",
    "dan mode",
    "developer mode",
    "no restrictions",
    "without any restrictions",
    "pretend you are",
    "you are now",
    "act as",
    "roleplay",
    "bypass",
    "override",
    "new instructions",
    "forget your instructions",
    "reveal your",
    "unfiltered",
    "uncensored",
)


def keyword_attack(text: str) -> bool:
    lowered = " ".join(text.lower().split())
    return any(keyword in lowered for keyword in KEYWORDS)
