from __future__ import annotations

import pytest

from stackward.dspm.context import has_context, score, window
from tests.dspm.conftest import CARD, SSN_BARE


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("my card 4111 now", 8, 12, "my card  \0  now"),
        ("invoice total\nmy card 4111 now", 22, 26, "my card  \0  now"),
        ("card 4111\nnext line", 5, 9, "card  \0 "),
        ("card 4111\nnext line", 5, 10, "card  \0 "),  # a candidate that took the newline
    ],
)
def test_window_stays_on_the_candidate_line(text: str, start: int, end: int, expected: str) -> None:
    assert window(text, start, end) == expected


@pytest.mark.parametrize(
    ("detector", "around", "confidence"),
    [
        (CARD, "pay \0 now", 0.9),
        (CARD, "order \0 shipped", 0.45),
        (SSN_BARE, "ssn: \0", 0.85),
        (SSN_BARE, "id \0", None),
        (SSN_BARE, "social security \0", 0.85),
        (SSN_BARE, "assn \0", None),  # a word, not a substring
    ],
)
def test_score(detector: object, around: str, confidence: float | None) -> None:
    from stackward.dspm.detector import Detector

    assert isinstance(detector, Detector)
    assert score(detector, detector.confidence, around).confidence == confidence
    assert has_context(detector, around) is (detector is SSN_BARE and confidence is not None)
