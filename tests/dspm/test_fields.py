from __future__ import annotations

import random

import pytest

from stackward.dspm.engine import build_engine
from stackward.dspm.fields import classify_field, name_prior, normalise_name, wilson
from stackward.dspm.records import FieldSample, Location
from tests.dspm.conftest import ALL

LOC = Location("/data", "t.csv", "col")


def _sample(name: str, values: list[str], lines: list[int] | None = None) -> FieldSample:
    return FieldSample(LOC.with_field(name), name, values, len(values), len(values), lines)


def _emails(n: int) -> list[str]:
    return [f"user{i}@example.org" for i in range(n)]


def _noise(n: int) -> list[str]:
    rng = random.Random(7)
    return [f"SKU-{rng.randrange(10**6):06d}" for _ in range(n)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(_emails(1000), {"pii.email"}, id="all-emails"),
        pytest.param(_emails(700) + _noise(300), {"pii.email"}, id="mostly-emails"),
        pytest.param(_emails(100) + _noise(900), set(), id="few-emails"),
        pytest.param(_noise(1000), set(), id="no-emails"),
        pytest.param(["4111 1111 1111 1111"] * 50, {"pii.payment_card"}, id="cards"),
        pytest.param(["4111 1111 1111 1112"] * 50, set(), id="luhn-invalid-ids"),
    ],
)
def test_field_verdicts(values: list[str], expected: set[str]) -> None:
    random.Random(1).shuffle(values)
    result = classify_field(_sample("value", values), build_engine(ALL, "re"))
    assert {v.data_class for v in result.verdicts} == expected


def test_an_obvious_column_stops_early() -> None:
    result = classify_field(_sample("email", _emails(1000)), build_engine(ALL, "re"))
    assert result.checked < 100
    (verdict,) = result.verdicts
    assert verdict.confidence > 0.8
    assert "the field name suggests it" in verdict.reasons


def test_an_undecided_column_reads_the_whole_sample() -> None:
    values = _emails(500) + _noise(500)
    random.Random(3).shuffle(values)
    result = classify_field(_sample("value", values), build_engine(ALL, "re"))
    assert result.checked > 100


def test_free_text_values_give_occurrences_with_lines() -> None:
    notes = [
        f"Customer wrote in about the late delivery, reach them at user{i}@example.org soon"
        if i % 10 == 0
        else "Customer wrote in about the late delivery and asked for a refund please"
        for i in range(100)
    ]
    lines = [i + 2 for i in range(100)]
    result = classify_field(_sample("notes", notes, lines), build_engine(ALL, "re"))
    assert result.free_text
    assert result.verdicts == []
    assert [o.line for o in result.occurrences] == [i + 2 for i in range(0, 100, 10)]


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("customerEmail", "customer email"),
        ("$.customer.e_mail", "customer e mail"),
        ("Card-Number", "card number"),
    ],
)
def test_normalise_name(name: str, normalised: str) -> None:
    assert normalise_name(name) == normalised


@pytest.mark.parametrize(
    ("name", "prior"),
    [
        ("email", ("pii.email",)),
        ("customer_email", ("pii.email",)),
        ("card_number", ("pii.payment_card",)),
        ("cardinality", ()),
        ("emails_sent_count", ()),
    ],
)
def test_name_prior(name: str, prior: tuple[str, ...]) -> None:
    assert name_prior(name, ALL) == prior


@pytest.mark.parametrize(
    ("k", "n", "low_above", "high_below"),
    [(30, 30, 0.8, 1.01), (0, 30, -0.01, 0.25), (15, 30, 0.2, 0.8)],
)
def test_wilson(k: int, n: int, low_above: float, high_below: float) -> None:
    low, high = wilson(k, n)
    assert low > low_above
    assert high < high_below


def test_secrets_in_structured_values_are_occurrences_too() -> None:
    values = ["AKIAABCDEFGHIJKLMNOP", *_noise(60)]
    lines = list(range(2, 63))
    result = classify_field(_sample("auth", values, lines), build_engine(ALL, "re"))
    assert result.verdicts == []
    assert [(o.hit.data_class, o.line) for o in result.occurrences] == [
        ("secret.aws_access_key", 2)
    ]


def test_a_field_of_credentials_is_read_to_the_end_of_the_sample() -> None:
    keys = [f"AKIA{i:016d}".replace("0", "Q") for i in range(200)]
    result = classify_field(_sample("key", keys, list(range(1, 201))), build_engine(ALL, "re"))
    assert result.checked == 200
    assert len(result.occurrences) == 200
    assert {v.data_class for v in result.verdicts} == {"secret.aws_access_key"}
