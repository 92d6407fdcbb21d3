from __future__ import annotations

import pytest

from stackward.dspm.engine import build_engine
from stackward.dspm.text import classify_text, line_of
from tests.dspm.conftest import ALL

CASES = [
    pytest.param("pay with 4111 1111 1111 1111 today", {"pii.payment_card"}, id="card-luhn"),
    pytest.param("id 4111 1111 1111 1112 today", set(), id="card-luhn-invalid"),
    pytest.param("order 4111111111111111 shipped", set(), id="card-negative-context-halves"),
    pytest.param("ssn: 123456789", {"pii.national_id.us_ssn"}, id="ssn-with-context"),
    pytest.param("invoice 123456789", set(), id="ssn-needs-context"),
    pytest.param(
        "AKIAABCDEFGHIJKLMNOP secret abcdEFGHijklMNOPqrstUVWXyz0123456789+/AB",
        {"secret.aws_access_key", "secret.aws_secret_key"},
        id="aws-pair",
    ),
    pytest.param(
        "just a base64 blob abcdEFGHijklMNOPqrstUVWXyz0123456789+/AB", set(), id="aws-no-pair"
    ),
    pytest.param("password = s3cr3t-Value!", {"secret.generic"}, id="extract"),
]


@pytest.mark.parametrize(("text", "classes"), CASES)
def test_classify_text(backend: str, text: str, classes: set[str]) -> None:
    hits = classify_text(text, build_engine(ALL, backend))
    assert {h.data_class for h in hits if h.confidence >= 0.5} == classes


def test_extract_narrows_the_hit_to_the_value(backend: str) -> None:
    text = "db password = hunter2!x"
    (hit,) = classify_text(text, build_engine(ALL, backend))
    assert text[hit.start : hit.end] == hit.value == "hunter2!x"


def test_overlapping_classes_keep_the_more_confident(backend: str) -> None:
    # a Luhn-valid 16-digit card also contains a phone-shaped run: only the card stays
    text = "4111 1111 1111 1111"
    hits = classify_text(text, build_engine(ALL, backend))
    assert [h.data_class for h in hits] == ["pii.payment_card"]


def test_explanations_name_the_steps(backend: str) -> None:
    (hit,) = classify_text("ssn 123456789", build_engine(ALL, backend))
    assert hit.explanation[0].startswith("pattern test.ssn_bare")
    assert any("context word 'ssn'" in step for step in hit.explanation)


def test_field_context_counts_as_context(backend: str) -> None:
    engine = build_engine(ALL, backend)
    assert classify_text("123456789", engine) == []
    assert classify_text("123456789", engine, field_context="ssn")


def test_many_hits_stay_linear() -> None:
    text = "a@example.org " * 20_000
    hits = classify_text(text, build_engine(ALL, "re"))
    assert len(hits) == 20_000


@pytest.mark.parametrize(("offset", "line"), [(0, 5), (2, 5), (3, 6), (7, 7)])
def test_line_of(offset: int, line: int) -> None:
    assert line_of("ab\ncd\nef", offset, first_line=5) == line


def test_a_repeated_value_is_validated_once_and_the_memory_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stackward.dspm import text as text_module
    from stackward.dspm.detector import Detector, Validation, accept

    calls: list[str] = []

    def counting(value: str) -> Validation:
        calls.append(value)
        return accept("counted")

    detector = Detector(
        id="test.counted",
        data_class="pii.email",
        pattern=r"\bv[0-9]+\b",
        confidence=0.9,
        description="counted",
        validator=counting,
    )
    engine = build_engine([detector], "re")
    hits = classify_text("v1 v2 v1 v1 v2", engine)
    assert [h.value for h in hits] == ["v1", "v2", "v1", "v1", "v2"]
    assert calls == ["v1", "v2"]
    monkeypatch.setattr(text_module, "CACHED_VALUES_PER_VALIDATOR", 2)
    classify_text("v3 v4 v5 v3", engine)
    assert calls[2:] == ["v3", "v4", "v5", "v3"]  # the third value emptied the memory
    assert len(text_module._VERDICTS[counting]) <= 2


def _scored_detector(**changes: object) -> object:
    from dataclasses import replace

    from tests.dspm.conftest import CARD

    return replace(CARD, id="test.scored", context=("card",), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "confidence", "steps"),
    [
        pytest.param("4111 1111 1111 1111", 0.9, ["Luhn valid"], id="no-context"),
        pytest.param(
            "card 4111 1111 1111 1111",
            0.999,
            ["Luhn valid", "context word 'card' nearby"],
            id="context-word",
        ),
        pytest.param(
            "order 4111 1111 1111 1111",
            0.45,
            ["Luhn valid", "negative context word 'order' nearby"],
            id="negative-word",
        ),
        pytest.param(
            "card order 4111 1111 1111 1111",
            0.4995,
            ["Luhn valid", "context word 'card' nearby", "negative context word 'order' nearby"],
            id="both-in-order",
        ),
        pytest.param("4111 1111 1111 1112", None, [], id="validator-rejects"),
    ],
)
def test_explanation_steps_and_confidence(
    backend: str, text: str, confidence: float | None, steps: list[str]
) -> None:
    from stackward.dspm.detector import Detector

    detector = _scored_detector()
    assert isinstance(detector, Detector)
    hits = classify_text(text, build_engine([detector], backend))
    if confidence is None:
        assert hits == []
        return
    (hit,) = hits
    assert hit.confidence == confidence
    assert hit.explanation == ("pattern test.scored matched 19 characters", *steps)


def test_a_required_context_without_positive_words_drops_every_candidate(backend: str) -> None:
    from stackward.dspm.detector import Detector, Validation, accept

    calls: list[str] = []

    def counting(value: str) -> Validation:
        calls.append(value)
        return accept("counted")

    detector = Detector(
        id="test.negative_only",
        data_class="pii.email",
        pattern=r"\bv[0-9]+\b",
        confidence=0.9,
        description="only negative words, yet context required",
        validator=counting,
        negative_context=("draft",),
        context_required=True,
    )
    assert classify_text("v1 v2", build_engine([detector], backend)) == []
    assert classify_text("v1", build_engine([detector], backend), field_context="v") == []
    assert calls == []  # dropped before the validator


def test_hits_are_real_hits_equal_to_constructed_ones(backend: str) -> None:
    from stackward.dspm.detector import Hit

    (hit,) = classify_text("ssn 123456789", build_engine(ALL, backend))
    rebuilt = Hit(
        hit.detector,
        hit.data_class,
        hit.start,
        hit.end,
        hit.value,
        hit.confidence,
        hit.explanation,
    )
    assert type(hit) is Hit
    assert hit == rebuilt
    assert hash(hit) == hash(rebuilt)
    assert repr(hit) == repr(rebuilt)
    with pytest.raises(AttributeError):
        hit.value = "x"  # type: ignore[misc]


def test_each_engine_uses_its_own_detectors(backend: str) -> None:
    from dataclasses import replace

    from tests.dspm.conftest import EMAIL

    strict = replace(EMAIL, id="test.email_strict", context=("mail",), context_required=True)
    text = "write to a@example.org"
    assert [h.detector for h in classify_text(text, build_engine([EMAIL], backend))] == [
        "test.email"
    ]
    assert classify_text(text, build_engine([strict], backend)) == []
    assert classify_text(text, build_engine([strict], backend), field_context="mail")


def test_a_new_engine_is_never_confused_with_a_freed_one() -> None:
    from dataclasses import replace

    from tests.dspm.conftest import EMAIL

    for number in range(40):  # freed detector tuples give their ids to later ones
        engine = build_engine([replace(EMAIL, id=f"test.email_{number}")], "re")
        (hit,) = classify_text("a@example.org", engine)
        assert hit.detector == f"test.email_{number}"
        del engine


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "key: a@example.org = zzz9",
            [("test.email", "a@example.org"), ("test.late_value", "zzz9")],
            id="extract-moves-a-start-past-a-later-candidate",
        ),
        pytest.param(
            "b@example.org key: a@example.org = zzz9",
            [
                ("test.email", "b@example.org"),
                ("test.email", "a@example.org"),
                ("test.late_value", "zzz9"),
            ],
            id="in-order-before-it",
        ),
        pytest.param(
            "a@example.org b@example.org",
            [("test.email", "a@example.org"), ("test.email", "b@example.org")],
            id="already-in-order",
        ),
    ],
)
def test_hits_come_sorted_by_start(
    backend: str, text: str, expected: list[tuple[str, str]]
) -> None:
    import re

    from stackward.dspm.detector import Detector
    from tests.dspm.conftest import EMAIL

    late = Detector(
        id="test.late_value",
        data_class="secret.generic",
        pattern=r"\bkey: \S+ = \w+\b",
        confidence=0.9,
        description="the value comes after an e-mail address",
        extract=re.compile(r"= (?P<value>\w+)$"),
    )
    hits = classify_text(text, build_engine([late, EMAIL], backend))
    assert [(h.detector, h.value) for h in hits] == expected
