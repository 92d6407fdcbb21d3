"""Check-digit algorithms used by identifier validators: Luhn, ISO 7064 mod 97-10, Verhoeff.

Small pure functions over ASCII digit strings. A candidate that fails its checksum is almost
never the identifier it looks like, so these carry most of the precision of card, IBAN,
SIN and Aadhaar detection. Inputs that are not digits (or, for IBANs, not alphanumeric)
are invalid rather than errors.
"""

from __future__ import annotations

import re
import string

_LUHN_DOUBLED = {str(d): (2 * d) % 9 if d != 9 else 9 for d in range(10)}
"""Each digit's contribution when doubled: 2d, less 9 when that has two digits."""


def _digits_only(value: str) -> bool:
    # isdigit alone admits other scripts' digits and superscripts; ASCII-only leaves 0-9
    return value.isascii() and value.isdigit()


_LUHN_DOUBLED_DIGIT = str.maketrans("0123456789", "0246813579")
"""The same contributions as one digit each, for :meth:`str.translate`."""
_ZERO = ord("0")


def luhn_checksum(digits: str) -> int:
    """The Luhn sum modulo 10 of ``digits`` (0 means valid). ``digits`` must be ASCII digits."""
    if digits.isascii():
        # the digit sum of an ASCII string is its byte sum less 48 a character: one C loop
        summed = digits[-1::-2] + digits[-2::-2].translate(_LUHN_DOUBLED_DIGIT)
        return (sum(summed.encode()) - _ZERO * len(summed)) % 10
    kept = sum(map(int, digits[-1::-2]))
    doubled = sum(map(_LUHN_DOUBLED.__getitem__, digits[-2::-2]))
    return (kept + doubled) % 10


def luhn_valid(digits: str) -> bool:
    """ISO/IEC 7812-1 Luhn check (cards, Canadian SINs)."""
    return _digits_only(digits) and luhn_checksum(digits) == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that, appended to ``payload``, makes it Luhn-valid."""
    if not _digits_only(payload):
        raise ValueError("payload must be ASCII digits")
    return str((10 - luhn_checksum(payload + "0")) % 10)


_IBAN_CHARACTERS = re.compile(r"[0-9A-Z]+")
_IBAN_LETTER_VALUES = {
    ord(letter): str(value) for value, letter in enumerate(string.ascii_uppercase, 10)
}


def iban_remainder(iban: str) -> int:
    """ISO 13616 / ISO 7064 mod 97-10 remainder of an IBAN without spaces; 1 means valid.

    The first four characters move to the end and letters become 10..35; the resulting
    integer modulo 97 is computed piecewise so that no big number is built. Returns -1 for
    characters outside ``[0-9A-Z]``.
    """
    rearranged = iban[4:] + iban[:4]
    if not rearranged:
        return 0
    if _IBAN_CHARACTERS.fullmatch(rearranged) is None:
        return -1
    # letters as their two-digit values, then one big-integer remainder: the same number
    # the piecewise definition reduces, computed in C
    return int(rearranged.translate(_IBAN_LETTER_VALUES)) % 97


def iban_mod97_valid(iban: str) -> bool:
    """True when the IBAN (upper case, no spaces) satisfies mod 97 == 1."""
    return len(iban) >= 5 and iban_remainder(iban) == 1


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_VERHOEFF_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def _verhoeff_state(digits: str, offset: int) -> int:
    check = 0
    for index, char in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[(index + offset) % 8][ord(char) - 48]]
    return check


def verhoeff_valid(digits: str) -> bool:
    """Verhoeff (dihedral group D5) check, as used by Aadhaar numbers."""
    return _digits_only(digits) and _verhoeff_state(digits, 0) == 0


def verhoeff_check_digit(payload: str) -> str:
    """The digit that, appended to ``payload``, makes it Verhoeff-valid."""
    if not _digits_only(payload):
        raise ValueError("payload must be ASCII digits")
    return str(_VERHOEFF_INV[_verhoeff_state(payload, 1)])
