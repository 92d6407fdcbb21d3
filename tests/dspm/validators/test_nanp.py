"""The compiled NANP check answers exactly as libphonenumber does."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from stackward.dspm.validators.nanp import nanp_valid, regions


def _library(national: str) -> bool:
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
    return bool(
        phonenumbers.is_valid_number_for_region(number, "US")
        or phonenumbers.is_valid_number(number)
    )


@pytest.mark.parametrize(
    ("national", "valid"),
    [
        pytest.param("2015550123", True, id="us-new-jersey"),
        pytest.param("4165550123", True, id="canada-toronto"),
        pytest.param("8002345678", True, id="toll-free"),
        pytest.param("2462345678", True, id="barbados"),
        pytest.param("1234567890", False, id="area-code-starts-1"),
        pytest.param("0123456789", False, id="area-code-starts-0"),
        pytest.param("9111234567", False, id="n11-area-code"),
        pytest.param("201555012", False, id="nine-digits"),
        pytest.param("20155501234", False, id="eleven-digits"),
    ],
)
def test_known_numbers(national: str, valid: bool) -> None:
    assert nanp_valid(national) is valid
    if len(national) == 10:
        assert _library(national) is valid


def test_regions_start_with_the_us() -> None:
    table = regions()
    assert table[0].code == "US"
    assert {"CA", "PR", "JM"} <= {region.code for region in table}


@pytest.mark.parametrize("seed", range(4))
def test_agrees_with_the_library_on_random_numbers(seed: int) -> None:
    rng = random.Random(seed)
    numbers = [str(rng.randint(2_000_000_000, 9_999_999_999)) for _ in range(5_000)]
    mismatched = [n for n in numbers if nanp_valid(n) != _library(n)]
    assert mismatched == []
    assert any(map(nanp_valid, numbers)) and not all(map(nanp_valid, numbers))


def test_agrees_with_the_library_on_every_area_code() -> None:
    rng = random.Random(7)
    numbers = [f"{area}{rng.randint(2_000_000, 9_999_999)}" for area in range(200, 1000)]
    numbers += [f"{area}{rng.randint(0, 1_999_999):07d}" for area in range(200, 1000)]
    assert [n for n in numbers if nanp_valid(n) != _library(n)] == []
