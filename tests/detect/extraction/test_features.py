"""Prompt features: template masking, token edit bounds, trigram vectors, shared prefixes."""

from __future__ import annotations

import pytest

from stackward.detect.extraction.features import min_cosine_distance as nearest
from stackward.detect.extraction.features import (
    prefix_digests,
    prompt_vector,
    shared_prefix_chars,
    template_shape,
)
from stackward.detect.extraction.templates import TemplateClusters, within_edits
from stackward.detect.prompts import user_part


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("Price of item 1234 in EUR", "Price of item 98 in EUR", True),
        ('Classify: "great phone"', 'Classify: "awful battery life"', True),
        ("Look up order 0f3a9c2be41d5f6a7788", "Look up order aa11bb22cc33dd44ee55", True),
        ("What is the capital of France?", "What is the capital of Peru?", False),
        ("how do I bake bread", "where can I park my car", False),
    ],
    ids=["numbers", "quoted", "long-ids", "slot-word-left-to-clusters", "different"],
)
def test_template_shape_masks_swept_values(left: str, right: str, same: bool) -> None:
    assert (template_shape(left) == template_shape(right)) is same


@pytest.mark.parametrize(
    ("left", "right", "limit", "within"),
    [
        ("a b c d", "a b c d", 0, True),
        ("a b c d", "a x c d", 1, True),
        ("a b c d", "a c d", 1, True),
        ("a b c d", "a b c d e f", 1, False),
        ("a b c d e f g", "g f e d c b a", 3, False),
        ("", "a b", 2, True),
    ],
    ids=["equal", "substitution", "deletion", "two-insertions", "reversed", "empty"],
)
def test_within_edits(left: str, right: str, limit: int, within: bool) -> None:
    assert within_edits(tuple(left.split()), tuple(right.split()), limit) is within


def test_swept_slot_joins_one_template_and_natural_questions_do_not() -> None:
    clusters = TemplateClusters(max_slots=3, max_templates=8)
    swept = {clusters.assign(template_shape(f"What is the capital of {c}?")) for c in "ABCDEFG"}
    assert len(swept) == 1
    natural = [
        "how do I bake sourdough bread at home?",
        "which train goes to the airport tonight?",
        "why is my laptop battery draining so fast?",
    ]
    assert len({clusters.assign(template_shape(q)) for q in natural}) == 3
    assert clusters.top_count() == 7


def test_template_cap_drops_the_rarest() -> None:
    clusters = TemplateClusters(max_slots=1, max_templates=2)
    first = clusters.assign(template_shape("alpha beta gamma delta"))
    clusters.assign(template_shape("alpha beta gamma delta"))
    clusters.assign(template_shape("one two three four five six"))
    clusters.assign(template_shape("red green blue yellow black white pink"))
    assert len(clusters) == 2
    assert clusters.assign(template_shape("alpha beta gamma delta")) == first


def test_vectors_measure_closeness_of_prompts() -> None:
    seed = prompt_vector("Summarise the quarterly report for the board")
    assert nearest(seed, []) is None
    assert nearest(prompt_vector("Summarise the quarterly report for the board"), [seed]) == 0.0
    close = nearest(prompt_vector("Summarise the quarterly report for the team"), [seed])
    far = nearest(prompt_vector("Which bus goes to the zoo on Sundays?"), [seed])
    assert close is not None and far is not None and close < 0.3 < far
    assert nearest(prompt_vector(""), [seed]) == 1.0


def test_vectors_round_trip_exactly() -> None:
    vector = prompt_vector("Ünïcödé and emoji 🙂 " * 200)
    again = type(vector).from_json(vector.to_json())
    assert again.to_json() == vector.to_json()
    assert again.weights.tolist() == vector.weights.tolist()


@pytest.mark.parametrize(
    ("previous", "current", "shared"),
    [
        ("x" * 200 + "first question", "x" * 200 + "second one", 192),
        ("short", "short", 0),
        ("a" * 100, "b" * 100, 0),
    ],
    ids=["long-shared-system-text", "under-one-block", "different"],
)
def test_shared_prefix_in_whole_blocks(previous: str, current: str, shared: int) -> None:
    assert shared_prefix_chars(prefix_digests(previous), prefix_digests(current)) == shared


@pytest.mark.parametrize(
    ("prompt", "system", "expected"),
    [
        ("SYSTEM RULES ARE HERE\nUser: hi", "SYSTEM RULES ARE HERE", " \nUser: hi"),
        ("User: hi", "SYSTEM RULES ARE HERE", "User: hi"),
        ("tiny User: hi", "tiny", "tiny User: hi"),
        (None, "SYSTEM RULES ARE HERE", None),
    ],
    ids=["system-turn-removed", "system-turn-absent", "too-short-to-trust", "no-prompt"],
)
def test_user_part(prompt: str | None, system: str, expected: str | None) -> None:
    assert user_part(prompt, system) == expected
