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
