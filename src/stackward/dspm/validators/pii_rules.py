"""Validators for PII identifiers: each takes one candidate value and says yes or no, and why.

A candidate pattern only finds the shape; these functions carry the rules that make a
shape an identifier (checksums, issuer ranges, allocation rules, plausible dates) and the
guards against look-alikes (prices, versions, ids, timestamps, documentation addresses).
Every function is ``str -> Validation`` and cheap: fast shape checks come first.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from functools import lru_cache

import phonenumbers

from stackward.dspm.detector import Validation, Validator, accept, reject
from stackward.dspm.validators.checksums import iban_mod97_valid, luhn_valid, verhoeff_valid
from stackward.dspm.validators.nanp import nanp_valid


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: keeps long vocabularies readable."""
    return frozenset(text.split())


# --- fragments ----------------------------------------------------------------------------

FRAGMENT_MARKS = frozenset("$.,:/#-_+")
"""Characters that, glued to a digit run, make it part of a longer token (a UUID's last group,
a price, a path, a decimal). Candidate patterns take one such character into the match so
that the validator can see it."""


def whole_token(validator: Validator) -> Validator:
    """``validator``, but a value that starts or ends with a fragment mark is rejected first."""

    def validate(value: str) -> Validation:
        if value[:1] in FRAGMENT_MARKS or value[-2:-1] in FRAGMENT_MARKS:
            return reject("glued to a neighbouring token: part of a longer value")
        return validator(value)

    validate.__name__ = f"whole_token_{getattr(validator, '__name__', 'validator')}"
    validate.__doc__ = validator.__doc__
    return validate


# --- e-mail -------------------------------------------------------------------------------

_EMAIL_LABEL_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL_DOMAIN = re.compile(rf"{_EMAIL_LABEL_PATTERN}(?:\.{_EMAIL_LABEL_PATTERN})+\Z")
"""Two or more DNS labels (letters, digits, inner hyphens; 1-63 characters) joined by dots."""
_FILE_EXTENSION_TLDS = _words(
    "png jpg jpeg gif svg webp ico bmp tif tiff avif heic js mjs ts tsx jsx css scss json xml "
    "yaml yml html htm txt log lock ini cfg conf toml csv tsv pdf zip gz tgz tar bz2 xz map "
    "min woff woff2 ttf otf eot mp3 mp4 wav mov avi mkv webm java class jar py pyc rb go php "
    "swift kt exe dll bin dat bak tmp sql db proto"
)
_NON_PERSONAL_LOCALS = frozenset({"git"})
_RESERVED_DOMAINS = frozenset(
    {
        # reserved (RFC 2606, RFC 6761) and never-delegated names used on private networks:
        # an address there is a host name in a URI or a service account, not a person's mailbox
        "localhost",
        "localdomain",
        "local",
        "invalid",
        "test",
        "internal",
        "intranet",
        "private",
        "lan",
        "corp",
        "home",
        "svc",
        "cluster",
    }
)


def validate_email(value: str) -> Validation:
    """RFC 5321 sizes, DNS label syntax, an alphabetic TLD that is not a file extension."""
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        return reject("no local part or domain")
    if len(local) > 64 or len(domain) > 253:
        return reject("local part or domain too long")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return reject("dots misplaced in local part")
    domain = domain.lower()
    if _EMAIL_DOMAIN.match(domain) is None:
        return reject("domain is not a DNS name")
    labels = domain.split(".")
    tld = labels[-1]
    if not (tld.isalpha() and 2 <= len(tld) <= 24) and not tld.startswith("xn--"):
        return reject("top-level domain is not alphabetic")
    if tld in _FILE_EXTENSION_TLDS:
        return reject(f"'.{tld}' is a file extension: an asset name, not an address")
    if tld in _RESERVED_DOMAINS or labels[-2] in _RESERVED_DOMAINS:
        return reject("reserved local domain")
    if local.lower() in _NON_PERSONAL_LOCALS:
        return reject("a source-control remote, not a mailbox")
    return accept(f"address syntax valid; TLD '.{tld}'")


# --- phone --------------------------------------------------------------------------------

PHONE_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "IN", "CA")
"""Regions tried, in order, for numbers written without a ``+`` country code."""

_PHONE_GUARD_PREFIX = frozenset("$.,:/#")
_DATE_LIKE = re.compile(
    r"(?:(?:19|20)\d\d[-./ ](?:0?[1-9]|1[0-2])[-./ ](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-./ ](?:0?[1-9]|1[0-2])[-./ ](?:19|20)\d\d"
    r"|(?:0?[1-9]|1[0-2])[-./ ](?:0?[1-9]|[12]\d|3[01])[-./ ](?:19|20)\d\d)\Z"
)
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){2,3}\Z")
_NANP_REGIONS = frozenset({"US", "CA"})


_NANP_GROUPINGS = frozenset({(3, 3, 4), (1, 3, 3, 4), (10,), (11,)})
"""How North American numbers are written: (201) 555-0123, 1-201-555-0123, 2015550123."""
_DIGIT_RUN = re.compile(r"\d+")
_PLAIN_PHONE_CHARS = frozenset("0123456789 .-()+")
_NANP_AREA_LEADS = frozenset("23456789")
_NANP_MAX_CHARS = 40
_PHONE_CACHE_SIZE = 8192
_NO_NATIONAL_NUMBER = reject(f"not a valid number in {', '.join(PHONE_REGIONS)}")


def _phone_valid_in(text: str, region: str | None) -> bool:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


def nanp_national_number(text: str, digits: str) -> str | None:
    """The ten digits libphonenumber would parse from a North American ``text`` (national
    with region US/CA, or ``+1``), or None when only a full parse can tell.

    Parsing is most of a phone check's cost and, for ASCII digits and plain separators with
    an area code starting 2-9, its result is fixed: ten digits, or an eleven-digit run whose
    leading ``1`` is the country code. No national prefix can be stripped from such a number.
    """
    if len(text) > _NANP_MAX_CHARS or not digits.isascii() or "+" in text[1:]:
        return None
    if not _PLAIN_PHONE_CHARS.issuperset(text):
        return None
    if len(digits) == 11 and digits[0] == "1":
        national = digits[1:]
    elif len(digits) == 10 and text[0] != "+":
        national = digits
    else:
        return None
    return national if national[0] in _NANP_AREA_LEADS else None


def _valid_in(text: str, digits: str, region: str | None) -> bool:
    if region is None or region in _NANP_REGIONS:
        national = nanp_national_number(text, digits)
        if national is not None:
            return nanp_valid(national)
    return _phone_valid_in(text, region)


@lru_cache(maxsize=_PHONE_CACHE_SIZE)
def validate_phone(value: str) -> Validation:
    """Valid per libphonenumber; prices, decimals, dates, dotted numbers and fragments rejected.

    National forms outside North America must carry the trunk ``0`` (Indian mobiles may
    omit it): without that rule almost any digit run is some German number. North American
    numbers skip the generic parse (see :func:`nanp_national_number`). Results are cached here
    as well as per detector by the text classifier: three phone detectors share this check, and
    one number is often a candidate of more than one of them.
    """
    text = value.strip()
    if not text:
        return reject("empty")
    if text[0] in _PHONE_GUARD_PREFIX:
        return reject(f"preceded by {text[0]!r}: a price, decimal or fragment of a longer value")
    if _DATE_LIKE.match(text):
        return reject("a date")
    if _DOTTED_QUAD.match(text):
        return reject("an IP address or version string")
    if text.count("(") != text.count(")"):
        return reject("unbalanced parentheses")
    runs = _DIGIT_RUN.findall(text)
    digits = "".join(runs)
    if not 7 <= len(digits) <= 15:
        return reject(f"{len(digits)} digits: outside phone-number lengths")
    if len(set(digits)) <= 2:
        return reject("too few distinct digits: a placeholder")
    if text[0] == "+":
        if _valid_in(text, digits, None):
            return accept(f"valid international number, {len(digits)} digits")
        return reject("not a valid international number")
    nanp_shaped = tuple(map(len, runs)) in _NANP_GROUPINGS
    trunk_prefixed = digits[0] == "0"
    indian_mobile = len(digits) == 10 and digits[0] in "6789"
    if not (nanp_shaped or trunk_prefixed or indian_mobile):
        return _NO_NATIONAL_NUMBER
    nanp_tried = False
    for region in PHONE_REGIONS:
        if region in _NANP_REGIONS:
            # every NANP region parses a national number alike: one check answers for all
            if not nanp_shaped or nanp_tried:
                continue
            nanp_tried = True
        elif not trunk_prefixed and not (region == "IN" and indian_mobile):
            continue
        if _valid_in(text, digits, region):
            return accept(f"valid {region} national number, {len(digits)} digits")
    return _NO_NATIONAL_NUMBER


# --- payment cards ------------------------------------------------------------------------

_CARD_BRANDS: tuple[tuple[str, tuple[tuple[int, int], ...], frozenset[int]], ...] = (
    ("American Express", ((34, 34), (37, 37)), frozenset({15})),
    ("Visa", ((4, 4),), frozenset({13, 16, 19})),
    ("Mastercard", ((51, 55), (2221, 2720)), frozenset({16})),
    ("Discover", ((6011, 6011), (644, 649), (65, 65), (622126, 622925)), frozenset(range(16, 20))),
    ("JCB", ((3528, 3589),), frozenset(range(16, 20))),
    ("Diners Club", ((300, 305), (36, 36), (38, 39)), frozenset(range(14, 20))),
    ("UnionPay", ((62, 62), (81, 81)), frozenset(range(16, 20))),
    (
        "Maestro",
        ((5018, 5018), (5020, 5020), (5038, 5038), (5893, 5893), (6304, 6304), (6759, 6763)),
        frozenset(range(12, 20)),
    ),
)
_CARD_GROUPINGS = frozenset(
    {(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 4, 3), (4, 4, 4, 3), (4, 4, 4, 4, 2)}
    | {(4, 4, 4, 4, 1), (4, 4, 5), (4, 4, 4, 1)}
)


_CARD_BRAND_PREFIXES: tuple[tuple[str, tuple[tuple[int, int, int], ...], frozenset[int]], ...] = (
    tuple(
        (brand, tuple((len(str(low)), low, high) for low, high in ranges), lengths)
        for brand, ranges, lengths in _CARD_BRANDS
    )
)
"""``_CARD_BRANDS`` with each range's prefix width worked out once."""


def card_brand(digits: str) -> str | None:
    """The brand whose IIN range and length fit ``digits``, or None."""
    length = len(digits)
    for brand, ranges, lengths in _CARD_BRAND_PREFIXES:
        if length not in lengths:
            continue
        for width, low, high in ranges:
            if low <= int(digits[:width]) <= high:
                return brand
    return None


def validate_payment_card(value: str) -> Validation:
    """Luhn, a known brand's IIN prefix and length, consistent grouping, not a placeholder."""
    spaced, dashed = " " in value, "-" in value
    if spaced and dashed:
        return reject("mixed separators")
    if spaced or dashed:
        groups = tuple(len(g) for g in value.split(" " if spaced else "-"))
        if groups not in _CARD_GROUPINGS:
            return reject(f"digit grouping {'-'.join(map(str, groups))} is not a card layout")
    digits = value.replace(" ", "").replace("-", "")
    if not digits.isascii() or not digits.isdigit() or not 12 <= len(digits) <= 19:
        return reject("not 12-19 digits")
    if len(set(digits)) == 1:
        return reject("all digits the same")
    if not luhn_valid(digits):
        return reject(f"Luhn check fails ({len(digits)} digits)")
    brand = card_brand(digits)
    if brand is None:
        return reject(f"Luhn valid but no card brand has this prefix and length {len(digits)}")
    return accept(f"Luhn valid; {brand}, {len(digits)} digits")


# --- IBAN ---------------------------------------------------------------------------------

IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
"""IBAN length per country, from the SWIFT IBAN registry."""


def validate_iban(value: str) -> Validation:
    """Registered country, that country's length, ISO 7064 mod 97 == 1, sane spacing."""
    if " " in value:
        groups = value.split(" ")
        if any(len(g) != 4 for g in groups[:-1]) or not 1 <= len(groups[-1]) <= 4:
            return reject("spaces not in groups of four")
    iban = value.replace(" ", "").upper()
    country = iban[:2]
    expected = IBAN_LENGTHS.get(country)
    if expected is None:
        return reject(f"{country!r} has no IBAN format")
    if len(iban) != expected:
        return reject(f"{country} IBANs have {expected} characters, not {len(iban)}")
    if not iban_mod97_valid(iban):
        return reject("mod-97 check fails")
    return accept(f"mod-97 valid; {country}, {expected} characters", 0.99)


# --- national ids -------------------------------------------------------------------------

_SSN_NOT_ISSUED = frozenset({"078051120", "219099999", "123456789"})


def validate_us_ssn(value: str) -> Validation:
    """Area 001-899 except 666, group 01-99, serial 0001-9999; advertising numbers rejected."""
    separators = {c for c in value if not c.isdigit()}
    if len(separators) > 1:
        return reject("mixed separators")
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) != 9 or not digits.isascii():
        return reject("not nine digits")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area == "000" or area == "666" or area[0] == "9":
        return reject(f"area {area[0]}xx/000/666 is never issued")
    if group == "00" or serial == "0000":
        return reject("zero group or serial is never issued")
    if digits in _SSN_NOT_ISSUED:
        return reject("a published advertising / placeholder number")
    return accept("area, group and serial in issued ranges")


_NINO_BAD_FIRST = frozenset("DFIQUV")
_NINO_BAD_SECOND = frozenset("DFIOQUV")
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def validate_uk_nino(value: str) -> Validation:
    """HMRC prefix rules (letters D F I Q U V; O second; BG GB KN NK NT TN ZZ), suffix A-D."""
    text = value.replace(" ", "").upper()
    if len(text) != 9 or not text[2:8].isdigit() or text[8] not in "ABCD":
        return reject("not two letters, six digits and a suffix A-D")
    prefix = text[:2]
    if prefix[0] in _NINO_BAD_FIRST or prefix[1] in _NINO_BAD_SECOND:
        return reject(f"prefix {prefix} uses a letter never allocated")
    if prefix in _NINO_BAD_PREFIXES:
        return reject(f"prefix {prefix} is not allocated")
    return accept(f"prefix {prefix} allocatable, suffix {text[8]}")


def validate_ca_sin(value: str) -> Validation:
    """Nine digits, Luhn valid, first digit not 0 (unused) or 8 (business numbers)."""
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return reject("not nine digits")
    if digits[0] in "08":
        return reject(f"first digit {digits[0]} is not used for SINs")
    if len(set(digits)) == 1:
        return reject("all digits the same")
    if not luhn_valid(digits):
        return reject("Luhn check fails")
    return accept("Luhn valid; first digit allocatable")


def validate_in_aadhaar(value: str) -> Validation:
    """Twelve digits, first 2-9, Verhoeff check digit, not a palindrome-style placeholder."""
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        return reject("not twelve digits")
    if digits[0] in "01":
        return reject("first digit 0 or 1 is never issued")
    if len(set(digits)) <= 2:
        return reject("too few distinct digits: a placeholder")
    if not verhoeff_valid(digits):
        return reject("Verhoeff check fails")
    return accept("Verhoeff valid; 12 digits")


def validate_us_passport(value: str) -> Validation:
    """Nine digits, or a letter and eight digits (next-generation books); not a placeholder."""
    text = value.strip().upper()
    digits = text[1:] if text[:1].isalpha() else text
    if len(text) != 9 or not digits.isdigit() or not digits.isascii():
        return reject("not nine characters of the passport shape")
    if len(set(digits)) <= 2 or digits in "0123456789" or digits in "9876543210":
        return reject("repeated or sequential digits: a placeholder")
    return accept("passport number shape")


# --- IP addresses -------------------------------------------------------------------------


_IPV4_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4_FIRST_TWO = re.compile(rf"({_IPV4_OCTET})\.({_IPV4_OCTET})\.{_IPV4_OCTET}\.{_IPV4_OCTET}\Z")


def private_ipv4(value: str) -> bool:
    """``value`` is a well-formed IPv4 address in 10/8, 127/8, 172.16/12 or 192.168/16.

    These ranges hold most addresses in logs and configuration; telling them apart costs
    a regex, where :mod:`ipaddress` walks its table of special-purpose networks."""
    match = _IPV4_FIRST_TWO.match(value)
    if match is None:
        return False
    first, second = int(match[1]), int(match[2])
    return (
        first in (10, 127)
        or (first == 172 and 16 <= second <= 31)
        or (first == 192 and second == 168)
    )


def validate_ip_address(value: str) -> Validation:
    """A well-formed IPv4/IPv6 address in globally routed space (not private, documentation,
    loopback, link-local, multicast or reserved)."""
    if private_ipv4(value):
        return reject("IPv4 address is not public (private/reserved range)")
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return reject("not a well-formed IP address")
    if address.is_multicast or not address.is_global:
        return reject(f"IPv{address.version} address is not public (private/reserved range)")
    return accept(f"public IPv{address.version} address")


# --- dates of birth -----------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})\Z")
_TEXT_DATE = re.compile(
    r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?|([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?),?\s+(\d{4})\Z"
)
MAX_AGE_YEARS = 120


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _candidate_dates(value: str) -> list[dt.date]:
    text = value.strip().lower()
    numeric = _NUMERIC_DATE.match(text)
    found: list[dt.date | None] = []
    if numeric:
        first, second, third = (int(g) for g in numeric.groups())
        if len(numeric.group(1)) == 4:
            found.append(_date_or_none(first, second, third))
        elif len(numeric.group(3)) == 4:
            found += [_date_or_none(third, first, second), _date_or_none(third, second, first)]
    else:
        textual = _TEXT_DATE.match(text)
        if textual:
            day_s, month_a, month_b, day_b, year_s = textual.groups()
            month = _MONTHS.get(month_a or month_b or "")
            if month is not None:
                found.append(_date_or_none(int(year_s), month, int(day_s or day_b)))
    return [d for d in found if d is not None]


def validate_date_of_birth(value: str) -> Validation:
    """A real calendar date (ISO, US, EU or spelled month), not in the future, age 0-120."""
    return _validate_date_of_birth(value, dt.date.today())


@lru_cache(maxsize=4096)
def _validate_date_of_birth(value: str, today: dt.date) -> Validation:
    dates = _candidate_dates(value)
    if not dates:
        return reject("not a calendar date")
    earliest = max(dt.date(1900, 1, 1), dt.date(today.year - MAX_AGE_YEARS, 1, 1))
    for date in dates:
        if earliest <= date <= today:
            return accept(f"calendar date; age {today.year - date.year} years or less")
    return reject("date outside plausible birth range (1900..today, age 0-120)")
