"""PII detectors, declared as data: a candidate shape, a validator, context, column hints.

Patterns stay in the subset that Python ``re``, RE2 and Hyperscan share (see
:mod:`stackward.dspm.detector`). Where a look-alike can only be told apart by the character
just before or after the value (``$12.99``, ``1,299.00``, ``1.2.3.4.5``), the pattern takes
that character into the candidate and the validator rejects it, since the validator sees
only the candidate. Shapes that are just digits (bare nine-digit SSNs, ten-digit phones)
need a context word: alone they are as likely an id or a timestamp.
"""

from __future__ import annotations

import re

from stackward.dspm.detector import Detector
from stackward.dspm.validators.people import validate_person_name_in_text, validate_street_address
from stackward.dspm.validators.pii_rules import (
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
    whole_token,
)

_GLUE = r"[-$.,:/#_+]?"
_GLUE_AFTER = r"(?:[-$.,:/#_+][0-9A-Za-z])?"
"""An optional mark before, or mark and character after, a bare digit run: taken into the
candidate so that :func:`whole_token` can reject fragments of longer tokens."""


def _parenthesised_groups() -> str:
    """Digit groups of a national number that opens with ``(``: three to five groups, or
    two with seven digits or more between them."""
    close = r"\) ?"
    # the first digit is common to every shape: a non-digit fails before the alternation
    shapes = [rf"\d{{1,4}}{close}\d{{2,8}}(?:[ .-]\d{{2,8}}){{1,3}}"]
    shapes += [rf"\d{{{n - 1}}}{close}\d{{{7 - n},8}}" for n in range(2, 6)]
    return r"\(\d(?:" + "|".join(shapes) + ")"


_SEP = "[ .-]"
_GROUP = r"\d{2,8}"
_NOT_DOT = "[ -]"
_DOTTED_SHORT_FREE_GROUPS: dict[int, tuple[str, ...]] = {
    # the digits after the first one; the first group has 2-5 digits, later ones 2-8. Each
    # row lists, by where it first differs, every shape that is not a dotted quad or triple
    # (groups of 2-3 digits joined by dots): the first group has 4-5 digits, or a separator
    # is not a dot, or a group has 4-8 digits
    4: (
        rf"\d{{3,4}}{_SEP}{_GROUP}{_SEP}{_GROUP}{_SEP}{_GROUP}",
        rf"\d{{1,2}}{_NOT_DOT}{_GROUP}{_SEP}{_GROUP}{_SEP}{_GROUP}",
        rf"\d{{1,2}}\.\d{{4,8}}{_SEP}{_GROUP}{_SEP}{_GROUP}",
        rf"\d{{1,2}}\.\d{{2,3}}{_NOT_DOT}{_GROUP}{_SEP}{_GROUP}",
        rf"\d{{1,2}}\.\d{{2,3}}\.\d{{4,8}}{_SEP}{_GROUP}",
        rf"\d{{1,2}}\.\d{{2,3}}\.\d{{2,3}}{_NOT_DOT}{_GROUP}",
        r"\d{1,2}\.\d{2,3}\.\d{2,3}\.\d{4,8}",
    ),
    3: (
        rf"\d{{3,4}}{_SEP}{_GROUP}{_SEP}{_GROUP}",
        rf"\d{{1,2}}{_NOT_DOT}{_GROUP}{_SEP}{_GROUP}",
        rf"\d{{1,2}}\.\d{{4,8}}{_SEP}{_GROUP}",
        rf"\d{{1,2}}\.\d{{2,3}}{_NOT_DOT}{_GROUP}",
        r"\d{1,2}\.\d{2,3}\.\d{4,8}",
    ),
}
_THREE_GROUPS_NOT_TRUNK = (
    # as the three-group row above, and neither a 4-2-2 date nor a 3-2-4 SSN shape
    rf"\d{{4}}{_SEP}{_GROUP}{_SEP}{_GROUP}",
    rf"\d{{3}}{_SEP}\d{{3,8}}{_SEP}{_GROUP}",
    rf"\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{3,8}}",
    rf"\d{{2}}{_SEP}\d{{4,8}}{_SEP}{_GROUP}",
    rf"\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{4}}",
    rf"\d{{2}}{_SEP}\d{{2,3}}{_SEP}\d{{5,8}}",
    rf"\d{{2}}{_NOT_DOT}\d{{2,3}}{_SEP}\d{{2,3}}",
    rf"\d{{2}}\.\d{{2,3}}{_NOT_DOT}\d{{2,3}}",
    rf"\d{_NOT_DOT}{_GROUP}{_SEP}{_GROUP}",
    rf"\d\.\d{{4,8}}{_SEP}{_GROUP}",
    rf"\d\.\d{{2,3}}{_NOT_DOT}{_GROUP}",
    r"\d\.\d{2,3}\.\d{4,8}",
)


def _national_groups() -> str:
    """Separated digit groups of a national number that the phone validator can accept.

    A number with its trunk ``0`` may have three to five groups, or two with seven digits or
    more between them. Without the ``0`` only North American (3-3-4) and ten-digit Indian
    mobile (first digit 6-9) numbers are valid, so a first digit 1-9 drops two groups that
    are not ten digits from 6-9, 4-2-2 dates and 3-2-4 SSN shapes. Dotted quads and triples
    of short groups are IPv4 addresses and versions. Each dropped shape is one the validator
    rejects, whose shorter prefixes and inner groups are no candidate either: dropping it
    cannot make a later start in the same digits a new candidate."""
    five = rf"\d{{1,4}}{_SEP}{_GROUP}(?:{_SEP}{_GROUP}){{3}}"
    four = _DOTTED_SHORT_FREE_GROUPS[4]
    two_with_trunk = [rf"\d{{{n - 1}}}{_SEP}\d{{{7 - n},8}}" for n in range(2, 6)]
    two_indian_mobile = [rf"\d{{{n - 1}}}{_SEP}\d{{{10 - n}}}" for n in range(2, 6)]
    # longest shapes first: Python ``re`` takes the first alternative that matches
    trunk = (five, *four, *_DOTTED_SHORT_FREE_GROUPS[3], *two_with_trunk)
    other = (five, *four, *_THREE_GROUPS_NOT_TRUNK)
    return (
        rf"\b(?:0(?:{'|'.join(trunk)})|[1-9](?:{'|'.join(other)})"
        rf"|[6-9](?:{'|'.join(two_indian_mobile)}))"
    )


_PHONE_NATIONAL_SHAPE = (
    r"[$.,:/#]?(?:"
    + _parenthesised_groups()
    + "|"
    + _national_groups()
    + r")\b(?:[.,:/]\d|-[0-9A-Za-z])?"
)
"""Three to five digit groups, or two groups with seven digits or more between them. No
national number has fewer than seven digits, and two short groups (``2024-05``, ``$12.99``,
``.25.100``) were a third of all candidates; the validator would reject each of them. A
hyphen and a character after the last group are taken in as well: the middle groups of a
UUID (``…-0412-4123-ab12-…``) are a fragment, not a number."""

_PHONE_CONTEXT = ("phone", "tel", "telephone", "mobile", "cell", "call", "fax", "contact")
_PHONE_NEGATIVE = (
    "order", "invoice", "sku", "id", "price", "total", "amount", "ref", "tracking",
)  # fmt: skip
_PHONE_FIELDS = ("phone", "tel", "mobile", "cell", "fax", "msisdn")
_PHONE_REFS = ("ITU-T E.164", "https://github.com/google/libphonenumber")
_ID_NEGATIVE = ("order", "invoice", "sku", "tracking", "ref", "serial", "build", "version")
_SSN_CONTEXT = ("ssn", "social security", "social sec", "ss#", "ss no", "taxpayer", "tin")
_SSN_REFS = ("https://www.ssa.gov/employer/randomization.html",)
_SIN_CONTEXT = ("sin", "social insurance", "numéro d'assurance sociale", "nas")
_SIN_REFS = ("https://www.canada.ca/en/employment-social-development/services/sin.html",)
_AADHAAR_CONTEXT = ("aadhaar", "aadhar", "uidai", "uid")
_AADHAAR_REFS = ("https://uidai.gov.in/", "Verhoeff, Error Detecting Decimal Codes (1969)")
_DOB_CONTEXT = ("dob", "d.o.b", "birth", "born", "birthday", "birthdate", "date of birth")
_DOB_NEGATIVE = ("expires", "expiry", "issued", "created", "updated", "due", "invoice", "order")
_DOB_FIELDS = ("dob", "birth", "birthday", "birthdate", "date_of_birth")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_STREET_TYPE = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Trail|Square|Sq|Plaza|Loop)"
)
_NAME_WORD = r"[A-Z][a-z]*[A-Z]?[a-z]+(?:['-][A-Z]?[a-z]+)?"
_NAME_AFTER_LEAD_WORDS = re.compile(
    r"(?:(?:Dear|Hello|Hi|Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Signed|Sincerely|Regards|Thanks|From|To"
    r"|Attn|Patient|Customer|Contact|Name) )*(?P<value>.+)",
    re.DOTALL,
)

_IPV4_NOT_PRIVATE_START = (
    r"(?:(?:\d|[02-9]\d|1[1-9]|[02-9]\d\d|1[013-68]\d|12[0-689]|17[013-9]|19[013-9])\.\d{1,3}"
    r"|192\.(?:\d{1,2}|[02-9]\d\d|1[0-57-9]\d|16[0-79])"
    r"|172\.(?:\d|0\d|1[0-5]|3[2-9]|[4-9]\d|\d{3}))"
)
"""First two octets of a dotted quad outside 10/8, 127/8, 172.16/12 and 192.168/16."""

_IPV4_SHAPE = (
    r"\b(?:\d{1,3}(?:\.\d{1,3}){3}(?:\.\d{1,10}){1,4}"
    rf"|{_IPV4_NOT_PRIVATE_START}\.\d{{1,3}}\.\d{{1,3}})\b"
)
"""Four dotted groups of one to three digits (with up to four more: an OID or a version is a
candidate whose validator says no). Four groups in 10/8, 127/8, 172.16/12 or 192.168/16 are
private, loopback or malformed whatever their last octets: they are no candidate at all. Their
inner groups are three or fewer, so dropping them leaves no shorter candidate behind."""


EMAIL = Detector(
    id="pii.email",
    data_class="pii.email",
    pattern=r"\b[A-Za-z0-9_][A-Za-z0-9._%+-]*@[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,24}\b",
    confidence=0.95,
    description="E-mail address (RFC 5321 shape, real-looking TLD).",
    validator=validate_email,
    context=("email", "e-mail", "mail", "contact", "from", "to", "cc"),
    negative_context=("noreply", "example"),
    field_names=("email", "e_mail", "mail", "email_address"),
    references=("RFC 5321", "RFC 5322", "RFC 1035"),
)

PHONE_INTERNATIONAL = Detector(
    id="pii.phone.international",
    data_class="pii.phone",
    pattern=r"\+[1-9]\d{0,3}(?:[ .-]?\(?\d{1,5}\)?){1,6}\b",
    confidence=0.85,
    description="Phone number with a + country code, valid per libphonenumber.",
    validator=validate_phone,
    context=_PHONE_CONTEXT,
    negative_context=_PHONE_NEGATIVE,
    field_names=_PHONE_FIELDS,
    references=_PHONE_REFS,
)

PHONE_NATIONAL = Detector(
    id="pii.phone.national",
    data_class="pii.phone",
    pattern=_PHONE_NATIONAL_SHAPE,
    confidence=0.7,
    description="Phone number in a national format with separators (US, GB, DE, FR, IN, CA).",
    validator=whole_token(validate_phone),
    context=_PHONE_CONTEXT,
    negative_context=_PHONE_NEGATIVE,
    field_names=_PHONE_FIELDS,
    references=_PHONE_REFS,
)

PHONE_BARE = Detector(
    id="pii.phone.bare",
    data_class="pii.phone",
    pattern=_GLUE + r"\b\d{10,11}\b" + _GLUE_AFTER,
    confidence=0.6,
    description="Ten or eleven bare digits: a phone number only next to a phone word.",
    validator=whole_token(validate_phone),
    context=_PHONE_CONTEXT,
    negative_context=_PHONE_NEGATIVE,
    context_required=True,
    field_names=_PHONE_FIELDS,
    references=_PHONE_REFS,
)

PAYMENT_CARD = Detector(
    id="pii.payment_card",
    data_class="pii.payment_card",
    pattern=r"\b\d{4}(?:[ -]?\d){8,15}\b",
    confidence=0.95,
    description="Payment card number: Luhn, brand IIN range and length, card-style grouping.",
    validator=validate_payment_card,
    context=("card", "credit", "debit", "visa", "mastercard", "amex", "cc", "pan", "cardholder"),
    negative_context=_ID_NEGATIVE,
    field_names=("card", "card_number", "cc_number", "ccnum", "pan", "credit_card"),
    references=("ISO/IEC 7812-1", "https://en.wikipedia.org/wiki/Payment_card_number"),
)

IBAN = Detector(
    id="pii.iban",
    data_class="pii.iban",
    pattern=r"\b[A-Z]{2}\d{2} ?[A-Z0-9]{4}(?: ?[A-Z0-9]{4}){1,6}(?: ?[A-Z0-9]{1,3})?\b",
    confidence=0.95,
    description="IBAN: registered country, registry length, mod-97 check.",
    validator=validate_iban,
    context=("iban", "account", "bank", "transfer", "sepa", "beneficiary"),
    field_names=("iban", "bank_account", "account_number"),
    references=("ISO 13616-1:2020", "https://www.swift.com/standards/data-standards/iban"),
)

US_SSN = Detector(
    id="pii.national_id.us_ssn",
    data_class="pii.national_id.us_ssn",
    pattern=r"\b\d{3}[- ]\d{2}[- ]\d{4}\b",
    confidence=0.85,
    description="US SSN written 3-2-4 with dashes or spaces, in issued ranges.",
    validator=validate_us_ssn,
    context=_SSN_CONTEXT,
    negative_context=("phone", "tel", "fax", "order", "invoice", "zip"),
    field_names=("ssn", "social_security", "socsec", "tax_id", "taxpayer_id"),
    references=_SSN_REFS,
)

US_SSN_BARE = Detector(
    id="pii.national_id.us_ssn.bare",
    data_class="pii.national_id.us_ssn",
    pattern=_GLUE + r"\b\d{9}\b" + _GLUE_AFTER,
    confidence=0.75,
    description="Nine bare digits in SSN ranges, only next to an SSN word.",
    validator=whole_token(validate_us_ssn),
    context=_SSN_CONTEXT,
    negative_context=_ID_NEGATIVE,
    context_required=True,
    field_names=("ssn", "social_security", "socsec"),
    references=_SSN_REFS,
)

UK_NINO = Detector(
    id="pii.national_id.uk_nino",
    data_class="pii.national_id.uk_nino",
    pattern=r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
    confidence=0.9,
    description="UK National Insurance number: allocatable prefix, six digits, suffix A-D.",
    validator=validate_uk_nino,
    ignore_case=True,
    context=("national insurance", "nino", "ni number", "ni no", "nin"),
    field_names=("nino", "ni_number", "national_insurance"),
    references=("https://www.gov.uk/hmrc-internal-manuals/national-insurance-manual/nim39110",),
)

CA_SIN = Detector(
    id="pii.national_id.ca_sin",
    data_class="pii.national_id.ca_sin",
    pattern=r"\b\d{3}[- ]\d{3}[- ]\d{3}\b",
    confidence=0.8,
    description="Canadian SIN written 3-3-3: Luhn valid, first digit not 0 or 8.",
    validator=validate_ca_sin,
    context=_SIN_CONTEXT,
    negative_context=("phone", "tel", "fax", *_ID_NEGATIVE),
    field_names=("sin", "social_insurance"),
    references=_SIN_REFS,
)

CA_SIN_BARE = Detector(
    id="pii.national_id.ca_sin.bare",
    data_class="pii.national_id.ca_sin",
    pattern=_GLUE + r"\b\d{9}\b" + _GLUE_AFTER,
    confidence=0.75,
    description="Nine bare digits passing the SIN rules, only next to a SIN word.",
    validator=whole_token(validate_ca_sin),
    context=_SIN_CONTEXT,
    negative_context=_ID_NEGATIVE,
    context_required=True,
    field_names=("sin", "social_insurance"),
    references=_SIN_REFS,
)

IN_AADHAAR = Detector(
    id="pii.national_id.in_aadhaar",
    data_class="pii.national_id.in_aadhaar",
    pattern=r"\b[2-9]\d{3}[ -]\d{4}[ -]\d{4}\b",
    confidence=0.85,
    description="Aadhaar number written 4-4-4: first digit 2-9, Verhoeff check.",
    validator=validate_in_aadhaar,
    context=_AADHAAR_CONTEXT,
    negative_context=_ID_NEGATIVE,
    field_names=("aadhaar", "aadhar", "uid"),
    references=_AADHAAR_REFS,
)

IN_AADHAAR_BARE = Detector(
    id="pii.national_id.in_aadhaar.bare",
    data_class="pii.national_id.in_aadhaar",
    pattern=_GLUE + r"\b[2-9]\d{11}\b" + _GLUE_AFTER,
    confidence=0.75,
    description="Twelve bare digits passing the Aadhaar rules, only next to an Aadhaar word.",
    validator=whole_token(validate_in_aadhaar),
    context=_AADHAAR_CONTEXT,
    negative_context=_ID_NEGATIVE,
    context_required=True,
    field_names=("aadhaar", "aadhar"),
    references=_AADHAAR_REFS,
)

US_PASSPORT = Detector(
    id="pii.passport.us",
    data_class="pii.passport.us",
    pattern=_GLUE + r"\b(?:[A-Z]\d{8}|\d{9})\b" + _GLUE_AFTER,
    confidence=0.7,
    description="US passport number (nine digits, or a letter and eight), next to 'passport'.",
    validator=whole_token(validate_us_passport),
    context=("passport", "passport no", "passport number", "travel document"),
    negative_context=_ID_NEGATIVE,
    context_required=True,
    field_names=("passport",),
    references=("https://travel.state.gov/content/travel/en/passports.html",),
)

IPV4 = Detector(
    id="pii.ip_address.v4",
    data_class="pii.ip_address",
    pattern=_IPV4_SHAPE,
    confidence=0.8,
    description="Public (globally routed) IPv4 address.",
    validator=validate_ip_address,
    context=("ip", "ip address", "client", "remote", "src", "source", "host", "addr"),
    negative_context=("version", "v", "ver", "release", "build", "oid"),
    field_names=("ip", "ip_address", "ipaddr", "client_ip", "remote_addr", "source_ip"),
    references=("RFC 791", "https://www.iana.org/assignments/iana-ipv4-special-registry"),
)

IPV6 = Detector(
    id="pii.ip_address.v6",
    data_class="pii.ip_address",
    pattern=r"\b[0-9A-Fa-f]{1,4}(?:::?[0-9A-Fa-f]{1,4}){2,7}\b",
    confidence=0.8,
    description="Public (globally routed) IPv6 address.",
    validator=validate_ip_address,
    context=("ip", "ipv6", "client", "remote", "src", "source", "host", "addr"),
    negative_context=("mac", "version", "time"),
    field_names=("ip", "ip_address", "ipv6", "client_ip", "remote_addr", "source_ip"),
    references=("RFC 4291", "https://www.iana.org/assignments/iana-ipv6-special-registry"),
)

DATE_OF_BIRTH_NUMERIC = Detector(
    id="pii.date_of_birth.numeric",
    data_class="pii.date_of_birth",
    pattern=(
        r"\b(?:(?:19|20)\d{2}[-/.][01]?\d[-/.][0-3]?\d|[0-3]?\d[-/.][0-3]?\d[-/.](?:19|20)\d{2})\b"
    ),
    confidence=0.8,
    description="A date (ISO, US or EU order) next to a birth word, in a plausible range.",
    validator=validate_date_of_birth,
    context=_DOB_CONTEXT,
    negative_context=_DOB_NEGATIVE,
    context_required=True,
    field_names=_DOB_FIELDS,
    references=("ISO 8601",),
)

DATE_OF_BIRTH_TEXT = Detector(
    id="pii.date_of_birth.text",
    data_class="pii.date_of_birth",
    pattern=(
        rf"\b(?:[0-3]?\d(?:st|nd|rd|th)? {_MONTH}\.?,? |{_MONTH}\.? [0-3]?\d(?:st|nd|rd|th)?,? )"
        r"(?:19|20)\d{2}\b"
    ),
    confidence=0.8,
    description="A date with a spelled month ('12 March 1985') next to a birth word.",
    validator=validate_date_of_birth,
    ignore_case=True,
    context=_DOB_CONTEXT,
    negative_context=_DOB_NEGATIVE,
    context_required=True,
    field_names=_DOB_FIELDS,
    references=("ISO 8601",),
)

PERSON_NAME = Detector(
    id="pii.person_name",
    data_class="pii.person_name",
    pattern=rf"\b{_NAME_WORD}(?: [A-Z]\.)?(?: {_NAME_WORD}){{1,3}}\b",
    confidence=0.7,
    description="Two to four capitalised words next to a name word, tagged a person.",
    validator=validate_person_name_in_text,
    extract=_NAME_AFTER_LEAD_WORDS,
    context=(
        "name",
        "dear",
        "mr",
        "mrs",
        "ms",
        "dr",
        "customer",
        "patient",
        "signed",
        "contact",
        "from:",
        "attn",
        "sincerely",
        "regards",
    ),
    negative_context=("inc", "llc", "ltd", "corp", "company", "street", "avenue"),
    context_required=True,
    field_names=(
        "first_name",
        "last_name",
        "full_name",
        "firstname",
        "lastname",
        "fullname",
        "given_name",
        "surname",
        "family_name",
        "name",
        "customer",
        "patient",
        "contact",
    ),
    references=("https://github.com/datamade/probablepeople",),
)

STREET_ADDRESS = Detector(
    id="pii.street_address",
    data_class="pii.street_address",
    pattern=(
        rf"\b\d{{1,6}}[A-Za-z]? (?:[NSEW]\.? )?(?:[A-Z][A-Za-z'-]* ){{1,4}}{_STREET_TYPE}\b"
        r"(?:\.?,? (?:Apt|Suite|Ste|Unit|#) ?[A-Za-z0-9-]{1,6}\b)?"
        r"(?:\.?,? [A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2},? [A-Z]{2} \d{5}(?:-\d{4})?\b)?"
    ),
    confidence=0.8,
    description="House number, street name and street type (optional unit, city, state, ZIP).",
    validator=validate_street_address,
    context=("address", "addr", "street", "ship to", "bill to", "mailing", "residence", "lives"),
    field_names=("address", "street", "addr", "address_line", "address1", "address_line_1"),
    references=("https://github.com/datamade/usaddress", "USPS Publication 28"),
)

PII_DETECTORS: tuple[Detector, ...] = (
    EMAIL,
    PHONE_INTERNATIONAL,
    PHONE_NATIONAL,
    PHONE_BARE,
    PAYMENT_CARD,
    IBAN,
    US_SSN,
    US_SSN_BARE,
    UK_NINO,
    CA_SIN,
    CA_SIN_BARE,
    IN_AADHAAR,
    IN_AADHAAR_BARE,
    US_PASSPORT,
    IPV4,
    IPV6,
    DATE_OF_BIRTH_NUMERIC,
    DATE_OF_BIRTH_TEXT,
    PERSON_NAME,
    STREET_ADDRESS,
)
"""Every built-in PII detector, in the order the engine numbers them."""
