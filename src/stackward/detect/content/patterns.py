"""The curated prompt-injection and jailbreak patterns (``data/injection_patterns.yaml``).

Patterns are data: an id, a description, the kind (injection or jailbreak, which decides the
alert's rule id) and the MITRE ATLAS techniques they indicate. They are compiled once per
process; technique ids are checked against the pinned ATLAS catalog when the file loads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from stackward.frameworks import atlas
from stackward.model import ControlRef

PATTERN_FILE = "injection_patterns.yaml"
Kind = Literal["injection", "jailbreak"]
_KINDS: frozenset[str] = frozenset({"injection", "jailbreak"})
_SPACES = re.compile(r"\s+")


class PatternError(ValueError):
    """A malformed pattern file; the message names the pattern and the problem."""


@dataclass(frozen=True, slots=True)
class InjectionPattern:
    id: str
    description: str
    kind: Kind
    techniques: tuple[ControlRef, ...]
    regex: re.Pattern[str]
    triggers: tuple[str, ...]
    """Lower-case substrings, one of which every match contains: a text with none of them
    is not searched."""

    def search(self, prepared: str, lowered: str) -> re.Match[str] | None:
        if not any(trigger in lowered for trigger in self.triggers):
            return None
        return self.regex.search(prepared)


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """One pattern that fired, and where (offsets into the normalised text)."""

    pattern: InjectionPattern
    start: int
    end: int


def prepare(text: str) -> str:
    """NFKC and whitespace collapsed: what the patterns are written against."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text))


def _pattern(entry: Mapping[str, Any], where: str) -> InjectionPattern:
    missing = {"id", "description", "kind", "techniques", "triggers", "pattern"} - set(entry)
    if missing:
        raise PatternError(f"{where}: missing {sorted(missing)}")
    pattern_id = str(entry["id"])
    kind = str(entry["kind"])
    if kind not in _KINDS:
        raise PatternError(f"{where} {pattern_id}: kind {kind!r} is not injection or jailbreak")
    techniques = entry["techniques"]
    if not isinstance(techniques, list) or not techniques:
        raise PatternError(f"{where} {pattern_id}: techniques must be a non-empty list")
    triggers = entry["triggers"]
    if (
        not isinstance(triggers, list)
        or not triggers
        or any(not isinstance(t, str) or not t or t != t.lower() for t in triggers)
    ):
        raise PatternError(f"{where} {pattern_id}: triggers must be non-empty lower-case strings")
    try:
        refs = tuple(atlas(str(t)) for t in techniques)
        regex = re.compile(str(entry["pattern"]), re.IGNORECASE)
    except (KeyError, ValueError, re.error) as exc:
        raise PatternError(f"{where} {pattern_id}: {exc}") from exc
    return InjectionPattern(
        pattern_id,
        str(entry["description"]),
        kind,  # type: ignore[arg-type]
        refs,
        regex,
        tuple(triggers),
    )


def parse_patterns(document: object, where: str) -> tuple[InjectionPattern, ...]:
    """Patterns from a loaded YAML document; ids must be unique."""
    entries = document.get("patterns") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise PatternError(f"{where}: expected a mapping with a 'patterns' list")
    patterns = tuple(
        _pattern(entry, where) if isinstance(entry, Mapping) else _not_a_mapping(where, number)
        for number, entry in enumerate(entries, 1)
    )
    ids = [p.id for p in patterns]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise PatternError(f"{where}: duplicate pattern ids {duplicates}")
    return patterns


def _not_a_mapping(where: str, number: int) -> InjectionPattern:
    raise PatternError(f"{where}: entry {number} is not a mapping")


@cache
def builtin_patterns() -> tuple[InjectionPattern, ...]:
    """The shipped pattern set, compiled once."""
    source = resources.files("stackward.detect.content") / "data" / PATTERN_FILE
    return parse_patterns(yaml.safe_load(source.read_text(encoding="utf-8")), PATTERN_FILE)


def match_patterns(
    prepared: str, patterns: Sequence[InjectionPattern] | None = None
) -> list[PatternMatch]:
    """Every pattern that matches ``prepared`` (see :func:`prepare`), first match each, in
    pattern-file order."""
    found = []
    lowered = prepared.lower()
    for pattern in builtin_patterns() if patterns is None else patterns:
        hit = pattern.search(prepared, lowered)
        if hit is not None:
            found.append(PatternMatch(pattern, hit.start(), hit.end()))
    return found
