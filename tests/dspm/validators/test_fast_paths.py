"""The fast check-digit, card-brand and e-mail code paths answer exactly as the plain ones.

Each reference below is the straightforward definition the fast code replaced; random
inputs (seeded) and hand-picked edge cases must get the same answer from both.
"""

from __future__ import annotations

import random
import re
import string

import pytest

from stackward.dspm.detector import Validation, accept, reject
from stackward.dspm.validators import pii_rules
from stackward.dspm.validators.checksums import (
    iban_mod97_valid,
    iban_remainder,
    luhn_checksum,
    luhn_valid,
)
from stackward.dspm.validators.pii_rules import card_brand, validate_email, validate_payment_card

_DOUBLED = {str(d): (2 * d) % 9 if d != 9 else 9 for d in range(10)}


def reference_luhn_checksum(digits: str) -> int:
    kept = sum(map(int, digits[-1::-2]))
    doubled = sum(map(_DOUBLED.__getitem__, digits[-2::-2]))
    return (kept + doubled) % 10


def reference_iban_remainder(iban: str) -> int:
    rearranged = iban[4:] + iban[:4]
    remainder = 0
    for char in rearranged:
        if "0" <= char <= "9":
            remainder = (remainder * 10 + ord(char) - 48) % 97
        elif "A" <= char <= "Z":
            remainder = (remainder * 100 + ord(char) - 55) % 97
        else:
            return -1
    return remainder


def reference_card_brand(digits: str) -> str | None:
    for brand, ranges, lengths in pii_rules._CARD_BRANDS:
        if len(digits) not in lengths:
            continue
        for low, high in ranges:
            width = len(str(low))
            if low <= int(digits[:width]) <= high:
                return brand
    return None


_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")


def reference_validate_email(value: str) -> Validation:
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return reject("no local part or domain")
    if len(local) > 64 or len(domain) > 253:
        return reject("local part or domain too long")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return reject("dots misplaced in local part")
    labels = domain.lower().split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return reject("domain is not a DNS name")
    tld = labels[-1]
    if not (tld.isalpha() and 2 <= len(tld) <= 24) and not tld.startswith("xn--"):
        return reject("top-level domain is not alphabetic")
    if tld in pii_rules._FILE_EXTENSION_TLDS:
        return reject(f"'.{tld}' is a file extension: an asset name, not an address")
    if tld in pii_rules._RESERVED_DOMAINS or labels[-2] in pii_rules._RESERVED_DOMAINS:
        return reject("reserved local domain")
    if local.lower() in pii_rules._NON_PERSONAL_LOCALS:
        return reject("a source-control remote, not a mailbox")
    return accept(f"address syntax valid; TLD '.{tld}'")


def _digit_string(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(rng.randint(low, high)))


def test_luhn_matches_reference_on_random_digits() -> None:
    rng = random.Random(1)
    for _ in range(20000):
        digits = _digit_string(rng, 0, 24)
        assert luhn_checksum(digits) == reference_luhn_checksum(digits)
        assert luhn_valid(digits) == (digits != "" and reference_luhn_checksum(digits) == 0)


@pytest.mark.parametrize(
    "digits",
    ["", "0", "9", "79927398713", "4111111111111111", "4111111111111112", "9" * 19, "0" * 16],
    ids=lambda d: f"{len(d)}-digits-{d[:4]}",
)
def test_luhn_matches_reference_on_edge_cases(digits: str) -> None:
    assert luhn_checksum(digits) == reference_luhn_checksum(digits)


def test_luhn_checksum_keeps_answering_for_other_scripts_digits() -> None:
    # kept positions only: the doubled-digit table is ASCII, as before
    assert luhn_checksum("\u0661") == reference_luhn_checksum("\u0661") == 1
    assert not luhn_valid("\u0660")


def _iban_like(rng: random.Random) -> str:
    alphabet = rng.choice(
        [string.digits, string.ascii_uppercase + string.digits, "0123456789Aa -é"]
    )
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 34)))


def test_iban_remainder_matches_reference_on_random_strings() -> None:
    rng = random.Random(2)
    for _ in range(20000):
        value = _iban_like(rng)
        assert iban_remainder(value) == reference_iban_remainder(value), len(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "G",
        "GB82",
        "GB82WEST12345698765432",
        "GB82WEST12345698765433",
        "gb82west1234",
        "DE\u00bd1",
    ],
    ids=["empty", "one", "four", "valid", "invalid", "lower-case", "vulgar-fraction"],
)
def test_iban_remainder_matches_reference_on_edge_cases(value: str) -> None:
    assert iban_remainder(value) == reference_iban_remainder(value)
    assert iban_mod97_valid(value) == (len(value) >= 5 and reference_iban_remainder(value) == 1)


def test_card_brand_matches_reference_on_random_numbers() -> None:
    rng = random.Random(3)
    prefixes = ["34", "37", "4", "51", "2221", "2720", "6011", "644", "65", "6221", "3528", "36"]
    for _ in range(20000):
        digits = rng.choice([*prefixes, ""]) + _digit_string(rng, 6, 19)
        assert card_brand(digits) == reference_card_brand(digits)


def test_payment_card_matches_reference_brand_and_luhn() -> None:
    rng = random.Random(4)
    accepted = 0
    for _ in range(5000):
        digits = rng.choice(["4", "5", "3", "6", "2"]) + _digit_string(rng, 11, 18)
        result = validate_payment_card(digits)
        passes = reference_luhn_checksum(digits) == 0 and reference_card_brand(digits) is not None
        assert result.valid == (passes and len(set(digits)) > 1)
        accepted += result.valid
    assert accepted > 50


_EMAIL_PIECES = ["a", "Z", "9", "-", ".", "..", "_", "+", "é", "\u212a", "xn--p1ai", "co", "uk"]
_EMAIL_PIECES += ["png", "local", "test", "git", "com", "x" * 62, "y" * 64, "", "@", " "]


def _email_like(rng: random.Random) -> str:
    def part(low: int, high: int) -> str:
        return "".join(rng.choice(_EMAIL_PIECES) for _ in range(rng.randint(low, high)))

    domain = ".".join(part(0, 3) for _ in range(rng.randint(1, 4)))
    return f"{part(0, 4)}@{domain}" if rng.random() < 0.95 else part(1, 6)


def test_email_matches_reference_on_random_addresses() -> None:
    rng = random.Random(5)
    accepted = 0
    for _ in range(20000):
        value = _email_like(rng)
        assert validate_email(value) == reference_validate_email(value)
        accepted += validate_email(value).valid
    assert accepted > 100


@pytest.mark.parametrize(
    "value",
    [
        "jane.doe@example.com",
        "jane@sub.example.co.uk",
        "jane@example",
        "jane@.example.com",
        "jane@example..com",
        "jane@-example.com",
        "jane@example-.com",
        "jane@" + "a" * 63 + ".com",
        "jane@" + "a" * 64 + ".com",
        "jane@EXAMPLE.COM",
        "jane@example.\u212aom",
        "jane@bücher.de",
        "jane@example.com.",
        "jane@example.xn--p1ai",
        "git@github.com",
    ],
    ids=lambda v: v[:24],
)
def test_email_matches_reference_on_edge_cases(value: str) -> None:
    assert validate_email(value) == reference_validate_email(value)
