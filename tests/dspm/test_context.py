from __future__ import annotations

import pytest

from stackward.dspm.context import has_context, score, table_header, window
from tests.dspm.conftest import CARD, SSN_BARE


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("my card 4111 now", 8, 12, "my card  \0  now"),
        ("invoice total\nmy card 4111 now", 22, 26, "my card  \0  now"),
        ("card 4111\nnext line", 5, 9, "card  \0 "),
        ("card 4111\nnext line", 5, 10, "card  \0 "),  # a candidate that took the newline
        ("w" * 90 + " 4111", 91, 95, "w" * 79 + "  \0 "),  # at most 80 characters before
        ("ab\n" + "w" * 90 + " 4111", 94, 98, "w" * 79 + "  \0 "),
        ("ab\ncd 4111 ef", 6, 10, "cd  \0  ef"),
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


FRAME = "df.head()\n      name  email\n 603  Ada Byron   ada@example.org\n 604  Alan Kay  a@b.c\n"


@pytest.mark.parametrize(
    ("text", "value", "header"),
    [
        pytest.param(FRAME, "Ada Byron", "name", id="first-row"),
        pytest.param(FRAME, "Alan Kay", "name", id="second-row"),
        pytest.param(FRAME, "ada@example.org", "email", id="other-column"),
        pytest.param("note\n2024 Ada Byron came\n", "Ada Byron", "", id="year-then-prose"),
        pytest.param("Ada Byron wrote\n", "Ada Byron", "", id="not-a-row"),
        pytest.param(" 1  Ada Byron\n", "Ada Byron", "", id="row-without-header"),
    ],
)
def test_printed_table_rows_take_their_column_header_as_context(
    text: str, value: str, header: str
) -> None:
    start = text.index(value)
    line_start = text.rfind("\n", 0, start) + 1
    assert table_header(text, line_start, start, start + len(value)) == header
    around = window(text, start, start + len(value))
    assert around.startswith(header) if header else not around.startswith(("name", "email"))


@pytest.mark.parametrize(
    ("around", "found"),
    [
        pytest.param("order \0 shipped", True, id="word"),
        pytest.param("see order. \0", True, id="word-then-full-stop"),
        pytest.param("user.order = \0", True, id="attribute"),
        pytest.param("\0 mail@order.example", False, id="host-label"),
        pytest.param("\0 bob@order", False, id="after-at"),
        pytest.param("reorder \0", False, id="inside-a-word"),
    ],
)
def test_context_words_are_words_not_host_labels(around: str, found: bool) -> None:
    assert (score(CARD, CARD.confidence, around).confidence == 0.45) is found


@pytest.mark.parametrize(
    ("text", "header"),
    [
        pytest.param("      name\n 7  Ada Byron\n", "name", id="space-then-index"),
        pytest.param("   name\n7  Ada Byron\n", "name", id="index-at-line-start"),
        pytest.param("   name\n\u0663  Ada Byron\n", "name", id="arabic-indic-index"),
        pytest.param("   name\nx  Ada Byron\n", "", id="letter-at-line-start"),
        pytest.param("   name\n\tAda Byron\n", "", id="tab-at-line-start"),
    ],
)
def test_only_lines_that_can_be_table_rows_take_a_header(text: str, header: str) -> None:
    start = text.index("Ada Byron")
    around = window(text, start, start + len("Ada Byron"))
    assert around.startswith(f"{header} ") if header else around.startswith(text[8:start])
