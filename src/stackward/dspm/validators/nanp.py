"""Validity of North American (+1) numbers from libphonenumber's own metadata, compiled once.

``phonenumbers.is_valid_number`` walks Python objects per call (about 35 µs on a ten-digit
number that is not a US number, since every NANP region is then tried). The answer only
depends on the regional metadata's patterns, so the same patterns are compiled here into one
regular expression per region and applied in the library's order:

* valid for the US (tried first, as most numbers are), or else
* the first region whose ``leading_digits`` match decides alone; a region without
  ``leading_digits`` claims the number when it is valid there (``get_region_code_for_number``).

A number is valid in a region when its national number matches the region's general pattern
and the pattern of at least one number type (fixed line, mobile, toll free, …) that allows
ten digits. Tests compare this with ``phonenumbers`` on random and on every area code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

NANP_COUNTRY_CODE = 1
NATIONAL_DIGITS = 10
_NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    leading_digits: re.Pattern[str] | None
    general: re.Pattern[str]
    any_type: re.Pattern[str] | None
    """The patterns of every number type that allows ten digits, as one alternation."""

    def valid(self, national: str) -> bool:
        return (
            self.any_type is not None
            and self.general.fullmatch(national) is not None
            and self.any_type.fullmatch(national) is not None
        )


def _region(code: str) -> Region:
    metadata = PhoneMetadata.metadata_for_region(code)
    if metadata is None:
        raise LookupError(f"no phone metadata for region {code}")
    patterns = []
    for name in _NUMBER_TYPES:
        desc = getattr(metadata, name)
        if desc is None or not desc.national_number_pattern:
            continue
        if desc.possible_length and NATIONAL_DIGITS not in desc.possible_length:
            continue
        patterns.append(f"(?:{desc.national_number_pattern})")
    desc = metadata.general_desc
    general = desc.national_number_pattern if desc is not None else None
    lengths = desc.possible_length if desc is not None else ()
    if not general or (lengths and NATIONAL_DIGITS not in lengths):
        general = r"(?!)"  # matches nothing: no ten-digit number is valid here
    return Region(
        code,
        re.compile(metadata.leading_digits) if metadata.leading_digits else None,
        re.compile(general),
        re.compile("|".join(patterns)) if patterns else None,
    )


@cache
def regions() -> tuple[Region, ...]:
    """The NANP regions in libphonenumber's order (the US first)."""
    return tuple(_region(code) for code in COUNTRY_CODE_TO_REGION_CODE[NANP_COUNTRY_CODE])


def nanp_valid(national: str) -> bool:
    """Whether ``+1 national`` (ten ASCII digits) is a valid number in some NANP region,
    exactly as ``is_valid_number_for_region(n, "US") or is_valid_number(n)`` answers."""
    if len(national) != NATIONAL_DIGITS:
        return False
    table = regions()
    if table[0].valid(national):
        return True
    for region in table:
        if region.leading_digits is not None:
            if region.leading_digits.match(national):
                return region.valid(national)
        elif region.valid(national):
            return True
    return False
