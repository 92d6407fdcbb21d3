"""Identifier validators: each rule has a value that passes and look-alikes that must not."""

from __future__ import annotations

import datetime as dt

import phonenumbers
import pytest

from stackward.dspm.detector import Validation
from stackward.dspm.validators.checksums import luhn_check_digit, verhoeff_check_digit
from stackward.dspm.validators.pii_rules import (
    IBAN_LENGTHS,
    card_brand,
    nanp_national_number,
    private_ipv4,
    validate_ca_sin,
    validate_date_of_birth,
    validate_email,
    validate_iban,
    validate_in_aadhaar,
    validate_ip_address,
    validate_payment_card,
    validate_phone,
    validate_uk_nino,
    validate_us_passport,
    validate_us_ssn,
)

Case = tuple[str, bool]


def _national(region: str) -> str:
    number = phonenumbers.example_number(region)
    assert number is not None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _international(region: str) -> str:
    number = phonenumbers.example_number(region)
    assert number is not None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _check(validation: Validation, expected: bool) -> None:
    assert validation.valid is expected, validation.reason
    assert validation.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("jane.doe@mailbox.org", True, id="plain"),
        pytest.param("j.o+tag@mail.shop.co.uk", True, id="subdomains-plus"),
        pytest.param("x@xn--80ak6aa92e.com", True, id="punycode-domain"),
        pytest.param("icon@2x.png", False, id="retina-asset"),
        pytest.param("bundle@main.js", False, id="script-asset"),
        pytest.param("git@github.com", False, id="git-remote"),
        pytest.param("user@localhost", False, id="localhost"),
        pytest.param("user@box.local", False, id="local-domain"),
        pytest.param("a..b@mailbox.org", False, id="double-dot"),
        pytest.param("user@-bad.org", False, id="label-hyphen"),
        pytest.param("user@host.c0m", False, id="digit-tld"),
        pytest.param("x" * 65 + "@mailbox.org", False, id="local-too-long"),
        pytest.param("no-at-sign.org", False, id="no-at"),
    ],
)
def test_validate_email(value: str, expected: bool) -> None:
    _check(validate_email(value), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[pytest.param(_national(r), True, id=f"national-{r}") for r in ("US", "GB", "DE", "FR")],
        *[pytest.param(_international(r), True, id=f"intl-{r}") for r in ("US", "GB", "IN", "JP")],
        pytest.param("98765 43210", True, id="india-mobile-no-trunk"),
        pytest.param("201.555.0123", True, id="us-dotted"),
        pytest.param("$12.99", False, id="price"),
        pytest.param(",299.00", False, id="thousands-fragment"),
        pytest.param("2024-05-01", False, id="iso-date"),
        pytest.param("01.05.2024", False, id="eu-date"),
        pytest.param("10.20.30.40", False, id="ip-address"),
        pytest.param("12.4.1", False, id="version"),
        pytest.param("30 123456", False, id="german-without-trunk-zero"),
        pytest.param("1714566600", False, id="unix-timestamp"),
        pytest.param("555-1234", False, id="seven-digit-local"),
        pytest.param("(201 555-0123", False, id="unbalanced-paren"),
        pytest.param("000-000-0000", False, id="zeros"),
        pytest.param("4111 1111 1111 1111", False, id="card-number"),
        pytest.param("+1 123 456 7890", False, id="invalid-nanp-area"),
    ],
)
def test_validate_phone(value: str, expected: bool) -> None:
    _check(validate_phone(value), expected)


def _luhn(payload: str) -> str:
    return payload + luhn_check_digit(payload)


@pytest.mark.parametrize(
    ("value", "brand"),
    [
        pytest.param("4111111111111111", "Visa", id="visa"),
        pytest.param("4111 1111 1111 1111", "Visa", id="visa-spaced"),
        pytest.param("4012-8888-8888-1881", "Visa", id="visa-dashed"),
        pytest.param("5555555555554444", "Mastercard", id="mastercard"),
        pytest.param("2223003122003222", "Mastercard", id="mastercard-2-series"),
        pytest.param("3782 822463 10005", "American Express", id="amex-4-6-5"),
        pytest.param("6011111111111117", "Discover", id="discover"),
        pytest.param("3530111333300000", "JCB", id="jcb"),
        pytest.param("30569309025904", "Diners Club", id="diners-14"),
        pytest.param("6200000000000005", "UnionPay", id="unionpay"),
        pytest.param(_luhn("675964982643845"), "Maestro", id="maestro"),
    ],
)
def test_validate_payment_card_accepts(value: str, brand: str) -> None:
    result = validate_payment_card(value)
    assert result.valid, result.reason
    assert brand in result.reason
    assert "Luhn valid" in result.reason


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("4111111111111112", id="luhn-invalid"),
        pytest.param("1234567812345678", id="luhn-invalid-16-digit-id"),
        pytest.param("0000000000000000", id="all-zero"),
        pytest.param("4444444444444444", id="all-same-visa-prefix"),
        pytest.param(_luhn("999999999999912"), id="luhn-valid-no-brand"),
        pytest.param(_luhn("41111111111"), id="visa-prefix-12-digits"),
        pytest.param("4111 1111-1111 1111", id="mixed-separators"),
        pytest.param("41 1111 1111 1111 11", id="odd-grouping"),
        pytest.param("37828224631000", id="amex-short"),
    ],
)
def test_validate_payment_card_rejects(value: str) -> None:
    assert not validate_payment_card(value).valid


def test_card_brand_lengths() -> None:
    assert card_brand("378282246310005") == "American Express"
    assert card_brand("3782822463100050") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("GB82 WEST 1234 5698 7654 32", True, id="gb-spaced"),
        pytest.param("DE89370400440532013000", True, id="de"),
        pytest.param("NO93 8601 1117 947", True, id="no-shortest"),
        pytest.param("FR14 2004 1010 0505 0001 3M02 606", True, id="fr-letters-in-bban"),
        pytest.param("GB82 WEST 1234 5698 7654 33", False, id="wrong-check"),
        pytest.param("DE89370400440532013001", False, id="wrong-check-de"),
        pytest.param("DE8937040044053201300", False, id="wrong-length"),
        pytest.param("XX82WEST12345698765432", False, id="unknown-country"),
        pytest.param("GB82 WES T123 4569 8765 432", False, id="bad-spacing"),
    ],
)
def test_validate_iban(value: str, expected: bool) -> None:
    _check(validate_iban(value), expected)


def test_iban_lengths_are_registry_sized() -> None:
    assert IBAN_LENGTHS["NO"] == 15 and IBAN_LENGTHS["RU"] == 33 and IBAN_LENGTHS["LC"] == 32
    assert all(15 <= n <= 34 for n in IBAN_LENGTHS.values())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("512-38-4417", True, id="dashed"),
        pytest.param("512 38 4417", True, id="spaced"),
        pytest.param("512384417", True, id="bare"),
        pytest.param("001-01-0001", True, id="lowest-issued"),
        pytest.param("899-99-9999", True, id="highest-area"),
        pytest.param("912-38-4417", False, id="area-9xx"),
        pytest.param("987-65-4321", False, id="advertising-9xx"),
        pytest.param("666-38-4417", False, id="area-666"),
        pytest.param("000-38-4417", False, id="area-000"),
        pytest.param("512-00-4417", False, id="group-00"),
        pytest.param("512-38-0000", False, id="serial-0000"),
        pytest.param("078-05-1120", False, id="woolworth-wallet"),
        pytest.param("219-09-9999", False, id="ssa-advertising"),
        pytest.param("512-38 4417", False, id="mixed-separators"),
    ],
)
def test_validate_us_ssn(value: str, expected: bool) -> None:
    _check(validate_us_ssn(value), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("AB 12 34 56 C", True, id="spaced"),
        pytest.param("JG103759A", True, id="compact"),
        pytest.param("ce123456d", True, id="lower-case"),
        pytest.param("QQ 12 34 56 C", False, id="hmrc-example-prefix"),
        pytest.param("DA123456A", False, id="first-letter-d"),
        pytest.param("AO123456A", False, id="second-letter-o"),
        pytest.param("GB123456A", False, id="prefix-gb"),
        pytest.param("TN123456A", False, id="prefix-tn"),
        pytest.param("AB123456E", False, id="suffix-e"),
    ],
)
def test_validate_uk_nino(value: str, expected: bool) -> None:
    _check(validate_uk_nino(value), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(_luhn("13069254"), True, id="bare"),
        pytest.param("130 692 544", validate_ca_sin("130692544").valid, id="spaced-same"),
        pytest.param(_luhn("94512345"), True, id="temporary-resident-9"),
        pytest.param("046 454 286", False, id="example-first-digit-0"),
        pytest.param(_luhn("81234567"), False, id="business-8"),
        pytest.param(_luhn("1306925") + "0", False, id="luhn-invalid"),
        pytest.param("111111111", False, id="repeated"),
    ],
)
def test_validate_ca_sin(value: str, expected: bool) -> None:
    _check(validate_ca_sin(value), expected)


def _verhoeff(payload: str) -> str:
    return payload + verhoeff_check_digit(payload)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(_verhoeff("23456789012"), True, id="bare"),
        pytest.param(_verhoeff("98765432101"), True, id="first-9"),
        pytest.param("2345 6789 012" + verhoeff_check_digit("23456789012"), True, id="spaced"),
        pytest.param(_verhoeff("13456789012"), False, id="first-digit-1"),
        pytest.param(
            "234567890120" if _verhoeff("23456789012")[-1] != "0" else "234567890121",
            False,
            id="verhoeff-invalid",
        ),
        pytest.param("222222222222", False, id="repeated"),
        pytest.param("2345678901", False, id="ten-digits"),
    ],
)
def test_validate_in_aadhaar(value: str, expected: bool) -> None:
    _check(validate_in_aadhaar(value), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("A12749385", True, id="next-generation"),
        pytest.param("530927641", True, id="nine-digits"),
        pytest.param("123456789", False, id="sequential"),
        pytest.param("000000000", False, id="zeros"),
        pytest.param("AB1234567", False, id="two-letters"),
        pytest.param("A1234567", False, id="too-short"),
    ],
)
def test_validate_us_passport(value: str, expected: bool) -> None:
    _check(validate_us_passport(value), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("45.33.12.7", True, id="public-v4"),
        pytest.param("2a03:2880:f12f:83:face:b00c:0:25de", True, id="public-v6"),
        pytest.param("10.1.2.3", False, id="private-10"),
        pytest.param("172.16.5.4", False, id="private-172"),
        pytest.param("192.168.1.1", False, id="private-192"),
        pytest.param("127.0.0.1", False, id="loopback"),
        pytest.param("169.254.10.10", False, id="link-local"),
        pytest.param("192.0.2.15", False, id="documentation-test-net-1"),
        pytest.param("198.51.100.7", False, id="documentation-test-net-2"),
        pytest.param("203.0.113.9", False, id="documentation-test-net-3"),
        pytest.param("100.64.1.1", False, id="carrier-nat"),
        pytest.param("240.0.0.1", False, id="reserved"),
        pytest.param("224.0.0.251", False, id="multicast"),
        pytest.param("2001:db8::1", False, id="v6-documentation"),
        pytest.param("fe80::1:2:3", False, id="v6-link-local"),
        pytest.param("fd12:3456:789a::1", False, id="v6-unique-local"),
        pytest.param("256.1.1.1", False, id="octet-out-of-range"),
        pytest.param("1.2.3.4.5", False, id="five-parts"),
        pytest.param("12:30:00", False, id="time"),
        pytest.param("00:1a:2b:3c:4d:5e", False, id="mac-address"),
    ],
)
def test_validate_ip_address(value: str, expected: bool) -> None:
    _check(validate_ip_address(value), expected)


_THIS_YEAR = dt.date.today().year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1985-03-12", True, id="iso"),
        pytest.param("03/12/1985", True, id="us"),
        pytest.param("25.12.1985", True, id="eu-day-first"),
        pytest.param("12 March 1985", True, id="day-month-year"),
        pytest.param("March 12th, 1985", True, id="month-day-year"),
        pytest.param("1 Sept 1999", True, id="sept-abbreviation"),
        pytest.param(f"{_THIS_YEAR + 1}-01-01", False, id="future"),
        pytest.param("1899-12-31", False, id="before-1900"),
        pytest.param("1985-02-30", False, id="impossible-day"),
        pytest.param("13/13/1985", False, id="impossible-month"),
        pytest.param("12 Smarch 1985", False, id="not-a-month"),
        pytest.param("12-03-85", False, id="two-digit-year"),
    ],
)
def test_validate_date_of_birth(value: str, expected: bool) -> None:
    _check(validate_date_of_birth(value), expected)


def _libphonenumber_says_valid(value: str, region: str | None) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(value, region)))
    except phonenumbers.NumberParseException:
        return False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("(201) 555-0123", "2015550123", id="parens"),
        pytest.param("201.555.0123", "2015550123", id="dots"),
        pytest.param("2015550123", "2015550123", id="bare-ten"),
        pytest.param("1-201-555-0123", "2015550123", id="trunk-one"),
        pytest.param("12015550123", "2015550123", id="bare-eleven"),
        pytest.param("+1 (201) 555-0123", "2015550123", id="plus-one"),
        pytest.param("+1 201-555-0123", "2015550123", id="plus-one-dashes"),
        pytest.param("(123) 555-0123", None, id="area-starts-1"),
        pytest.param("(023) 555-0123", None, id="area-starts-0"),
        pytest.param("2-201-555-0123", None, id="eleven-without-trunk-one"),
        pytest.param("+44 20 7946 0958", None, id="other-country"),
        pytest.param("+2015550123", None, id="plus-ten-digits"),
        pytest.param("201/555/0123", None, id="slash-separator"),
        pytest.param("201-555-0123+1", None, id="inner-plus"),
        pytest.param("(\uff12\uff10\uff11) 555-0123", None, id="non-ascii-digits"),
        pytest.param("201-555-0123 " + " " * 40, None, id="too-long"),
    ],
)
def test_nanp_national_number(value: str, expected: str | None) -> None:
    digits = "".join(c for c in value if c.isdigit())
    assert nanp_national_number(value, digits) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("(201) 555-0123", id="us"),
        pytest.param("416-555-0199", id="ca"),
        pytest.param("(876) 523-0123", id="jm"),
        pytest.param("787.234.5678", id="pr"),
        pytest.param("1-800-555-0123", id="toll-free"),
        pytest.param("(201) 055-0123", id="exchange-starts-0"),
        pytest.param("(411) 555-0123", id="n11-area"),
        pytest.param("(555) 555-0123", id="unassigned-area"),
        pytest.param("(123) 555-0123", id="area-starts-1"),
        pytest.param("+1 (201) 555-0123", id="plus-one-us"),
        pytest.param("+1 506-234-5678", id="plus-one-ca"),
        pytest.param("+1 (555) 555-0123", id="plus-one-unassigned"),
    ],
)
def test_north_american_shortcut_agrees_with_libphonenumber(value: str) -> None:
    """The shortcut past the generic parse decides exactly as the parse would."""
    region = None if value.startswith("+") else "US"
    assert validate_phone(value).valid is _libphonenumber_says_valid(value, region)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("10.0.0.1", True, id="ten"),
        pytest.param("127.0.0.1", True, id="loopback"),
        pytest.param("172.16.0.1", True, id="172-16"),
        pytest.param("172.31.255.255", True, id="172-31"),
        pytest.param("192.168.1.10", True, id="192-168"),
        pytest.param("172.15.0.1", False, id="below-172-16"),
        pytest.param("172.32.0.1", False, id="above-172-31"),
        pytest.param("192.169.0.1", False, id="192-169"),
        pytest.param("45.33.12.7", False, id="public"),
        pytest.param("010.0.0.1", False, id="leading-zero"),
        pytest.param("10.0.0.256", False, id="octet-too-big"),
        pytest.param("10.0.0.1.5", False, id="five-parts"),
        pytest.param("10.0.0", False, id="three-parts"),
    ],
)
def test_private_ipv4(value: str, expected: bool) -> None:
    assert private_ipv4(value) is expected
    if expected:
        assert not validate_ip_address(value).valid
