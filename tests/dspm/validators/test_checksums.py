"""Check-digit algorithms against published test vectors."""

from __future__ import annotations

import pytest

from stackward.dspm.validators.checksums import (
    iban_mod97_valid,
    iban_remainder,
    luhn_check_digit,
    luhn_valid,
    verhoeff_check_digit,
    verhoeff_valid,
)


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        pytest.param("79927398713", True, id="wikipedia-vector"),
        pytest.param("79927398710", False, id="wikipedia-vector-wrong-digit"),
        pytest.param("4111111111111111", True, id="visa-test-card"),
        pytest.param("4111111111111112", False, id="visa-test-card-off-by-one"),
        pytest.param("378282246310005", True, id="amex-test-card"),
        pytest.param("046454286", True, id="canadian-sin-example"),
        pytest.param("0", True, id="zero"),
        pytest.param("", False, id="empty"),
        pytest.param("4111-1111", False, id="not-digits"),
        pytest.param("١٢٣", False, id="non-ascii-digits"),
    ],
)
def test_luhn_valid(digits: str, expected: bool) -> None:
    assert luhn_valid(digits) is expected


@pytest.mark.parametrize(
    ("payload", "check"),
    [
        pytest.param("7992739871", "3", id="wikipedia"),
        pytest.param("411111111111111", "1", id="visa"),
        pytest.param("04645428", "6", id="sin"),
    ],
)
def test_luhn_check_digit(payload: str, check: str) -> None:
    assert luhn_check_digit(payload) == check
    assert luhn_valid(payload + check)


def test_luhn_check_digit_refuses_non_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        luhn_check_digit("12a")


@pytest.mark.parametrize(
    ("iban", "expected"),
    [
        pytest.param("GB82WEST12345698765432", True, id="gb-registry-example"),
        pytest.param("DE89370400440532013000", True, id="de-registry-example"),
        pytest.param("FR1420041010050500013M02606", True, id="fr-registry-example"),
        pytest.param("NL91ABNA0417164300", True, id="nl-registry-example"),
        pytest.param("NO9386011117947", True, id="no-registry-example"),
        pytest.param("GB83WEST12345698765432", False, id="gb-wrong-check"),
        pytest.param("GB82WEST12345698765423", False, id="gb-transposed"),
        pytest.param("GB82west12345698765432", False, id="lower-case"),
        pytest.param("GB8", False, id="too-short"),
    ],
)
def test_iban_mod97(iban: str, expected: bool) -> None:
    assert iban_mod97_valid(iban) is expected


def test_iban_remainder_rejects_symbols() -> None:
    assert iban_remainder("GB82WEST1234-698765432") == -1


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        pytest.param("2363", True, id="wikipedia-236"),
        pytest.param("2364", False, id="wikipedia-236-wrong"),
        pytest.param("123451", True, id="12345"),
        pytest.param("1428570", True, id="142857"),
        pytest.param("1428750", False, id="transposition-caught"),
        pytest.param("", False, id="empty"),
        pytest.param("12a4", False, id="not-digits"),
    ],
)
def test_verhoeff_valid(digits: str, expected: bool) -> None:
    assert verhoeff_valid(digits) is expected


@pytest.mark.parametrize(
    ("payload", "check"),
    [
        pytest.param("236", "3", id="wikipedia"),
        pytest.param("12345", "1", id="12345"),
        pytest.param("142857", "0", id="142857"),
    ],
)
def test_verhoeff_check_digit(payload: str, check: str) -> None:
    assert verhoeff_check_digit(payload) == check


def test_verhoeff_check_digit_refuses_non_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        verhoeff_check_digit("")
