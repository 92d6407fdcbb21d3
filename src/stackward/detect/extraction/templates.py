"""Prompt templates of one key: prompts within a few token edits of a template's first prompt
join it.

A prober that sweeps ``What is the capital of {country}?`` sends prompts whose masked
skeletons differ from the first one in one position (the slot word); a prober perturbing a
seed prompt substitutes, drops or mangles a few words. Both stay within ``max_slots`` token
edits (Levenshtein over tokens) of the template's first prompt. Natural questions differ in
many positions and stay apart.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from stackward.detect.extraction.features import TemplateShape


def vocabulary_difference(left: frozenset[int], right: frozenset[int]) -> int:
    """A cheap lower bound of the edit distance: distinct tokens one side lacks."""
    return max(len(left - right), len(right - left))


def within_edits(left: Sequence[Hashable], right: Sequence[Hashable], limit: int) -> bool:
    """Whether the token Levenshtein distance of ``left`` and ``right`` is at most ``limit``.

    Banded dynamic programming: only cells within ``limit`` of the diagonal, stopping as soon
    as a whole row exceeds the limit, so a comparison costs O(len * limit).
    """
    if abs(len(left) - len(right)) > limit:
        return False
    if len(left) > len(right):
        left, right = right, left
    big = limit + 1
    previous = [column if column <= limit else big for column in range(len(right) + 1)]
    for row in range(1, len(left) + 1):
        current = [big] * (len(right) + 1)
        if row <= limit:
            current[0] = row
        low, high = max(1, row - limit), min(len(right), row + limit)
        token = left[row - 1]
        for column in range(low, high + 1):
            cost = 0 if token == right[column - 1] else 1
            current[column] = min(
                previous[column] + 1, current[column - 1] + 1, previous[column - 1] + cost, big
            )
        if min(current[max(0, low - 1) : high + 1]) > limit:
            return False
        previous = current
    return previous[len(right)] <= limit


class TemplateClusters:
    """Counted templates of the queries in one key's window (bounded in number)."""

    def __init__(self, max_slots: int, max_templates: int) -> None:
        self._max_slots = max_slots
        self._max_templates = max_templates
        self._skeletons: dict[int, tuple[int, ...]] = {}
        self._lengths: dict[int, int] = {}
        self._counts: dict[int, int] = {}
        self._words: dict[int, frozenset[int]] = {}
        """Distinct tokens of each template's first prompt, for a cheap lower bound."""
        self._next_id = 0

    def assign(self, shape: TemplateShape) -> int:
        """The id of the template ``shape`` joins (a new one when none is close enough)."""
        words: frozenset[int] | None = None
        for template_id, first in self._skeletons.items():
            if abs(self._lengths[template_id] - shape.length) > self._max_slots:
                continue
            words = words or frozenset(shape.tokens)
            if vocabulary_difference(self._words_of(template_id), words) > self._max_slots:
                continue
            if within_edits(first, shape.tokens, self._max_slots):
                self._counts[template_id] += 1
                return template_id
        if len(self._skeletons) >= self._max_templates:
            self._drop_rarest()
        template_id = self._next_id
        self._next_id += 1
        self._skeletons[template_id] = shape.tokens
        self._lengths[template_id] = shape.length
        self._counts[template_id] = 1
        return template_id

    def _words_of(self, template_id: int) -> frozenset[int]:
        words = self._words.get(template_id)
        if words is None:
            words = self._words[template_id] = frozenset(self._skeletons[template_id])
        return words

    def _drop_rarest(self) -> None:
        rarest = min(self._counts, key=lambda template_id: (self._counts[template_id], template_id))
        self.release(rarest, everything=True)

    def release(self, template_id: int, everything: bool = False) -> None:
        """A query of ``template_id`` left the window (or the template is dropped whole)."""
        count = self._counts.get(template_id)
        if count is None:
            return
        if everything or count <= 1:
            del self._skeletons[template_id], self._lengths[template_id]
            del self._counts[template_id]
            self._words.pop(template_id, None)
        else:
            self._counts[template_id] = count - 1

    def top_count(self) -> int:
        return max(self._counts.values(), default=0)

    def __len__(self) -> int:
        return len(self._skeletons)

    def to_json(self) -> dict[str, Any]:
        return {
            "next_id": self._next_id,
            "templates": [
                [template_id, list(self._skeletons[template_id]), self._lengths[template_id], count]
                for template_id, count in self._counts.items()
            ],
        }

    @classmethod
    def from_json(
        cls, data: dict[str, Any], max_slots: int, max_templates: int
    ) -> TemplateClusters:
        clusters = cls(max_slots, max_templates)
        clusters._next_id = int(data["next_id"])
        for template_id, skeleton, length, count in data["templates"]:
            clusters._skeletons[int(template_id)] = tuple(int(token) for token in skeleton)
            clusters._lengths[int(template_id)] = int(length)
            clusters._counts[int(template_id)] = int(count)
        return clusters
