"""PII detectors end to end on text: candidate pattern, extract, validator.

``find`` runs one detector the way the classifier does before context scoring: compile the
pattern, take every candidate, pull the value with ``extract`` and keep what the validator
accepts. Context words are scored elsewhere; here ``context_required`` detectors are tested
on their candidates and validators only, and their flag is asserted separately.
"""

from __future__ import annotations

import random
import re

import hyperscan
import pytest

from stackward.dspm.detector import Detector
from stackward.dspm.detectors.pii import PII_DETECTORS
from stackward.dspm.engine import build_engine
from stackward.dspm.taxonomy import DATA_CLASSES
from stackward.dspm.validators.checksums import luhn_check_digit, verhoeff_check_digit

BY_ID = {d.id: d for d in PII_DETECTORS}


def find(detector: Detector, text: str) -> list[str]:
    """Values in ``text`` that the detector's pattern finds and its validator accepts."""
    pattern = re.compile(detector.pattern, re.IGNORECASE if detector.ignore_case else 0)
    values: list[str] = []
    for match in pattern.finditer(text):
        value = match.group(0)
        if detector.extract is not None:
            extracted = detector.extract.search(value)
            if extracted is None:
                continue
            value = extracted.group("value")
        if detector.validator is None or detector.validator(value).valid:
            values.append(value)
    return values


def find_any(class_id: str, text: str) -> list[str]:
    """Values found by any detector of ``class_id``."""
    return [v for d in PII_DETECTORS if d.data_class == class_id for v in find(d, text)]


_VISA = "4111 1111 1111 1111"
_SIN = "130692544"[:8] + luhn_check_digit("13069254")
_AADHAAR = "2345 6789 012" + verhoeff_check_digit("23456789012")

POSITIVES: list[tuple[str, str, str]] = [
    ("pii.email", "Write to jane.doe@mailbox.org today.", "jane.doe@mailbox.org"),
    ("pii.email", "<a href='mailto:o.k+news@shop.co.uk'>", "o.k+news@shop.co.uk"),
    ("pii.phone", "Call (201) 555-0123 after 5pm.", "(201) 555-0123"),
    ("pii.phone", "tel: +44 121 234 5678", "+44 121 234 5678"),
    ("pii.phone", "Büro: 030 123456.", "030 123456"),
    ("pii.phone", "mobile 01 23 45 67 89", "01 23 45 67 89"),
    ("pii.phone", "phone 2015550123", "2015550123"),
    ("pii.payment_card", f"card: {_VISA} exp 12/29", _VISA),
    ("pii.payment_card", "amex 378282246310005.", "378282246310005"),
    ("pii.payment_card", "mc 2223-0031-2200-3222", "2223-0031-2200-3222"),
    ("pii.iban", "IBAN: GB82 WEST 1234 5698 7654 32 (GBP)", "GB82 WEST 1234 5698 7654 32"),
    ("pii.iban", "pay DE89370400440532013000 now", "DE89370400440532013000"),
    ("pii.national_id.us_ssn", "SSN 512-38-4417 on file", "512-38-4417"),
    ("pii.national_id.us_ssn", "ssn: 512384417", "512384417"),
    ("pii.national_id.us_ssn", "ssn was 512384417.", "512384417"),
    ("pii.phone", "phone 2015550123, ext 4", "2015550123"),
    ("pii.national_id.uk_nino", "NI number AB 12 34 56 C.", "AB 12 34 56 C"),
    (
        "pii.national_id.ca_sin",
        f"SIN {_SIN[:3]} {_SIN[3:6]} {_SIN[6:]}",
        f"{_SIN[:3]} {_SIN[3:6]} {_SIN[6:]}",
    ),
    ("pii.national_id.in_aadhaar", f"Aadhaar {_AADHAAR}", _AADHAAR),
    ("pii.passport.us", "passport no. A12749385", "A12749385"),
    ("pii.ip_address", "client 45.33.12.7 connected", "45.33.12.7"),
    (
        "pii.ip_address",
        "from 2a03:2880:f12f:83:face:b00c:0:25de",
        "2a03:2880:f12f:83:face:b00c:0:25de",
    ),
    ("pii.date_of_birth", "DOB: 1985-03-12", "1985-03-12"),
    ("pii.date_of_birth", "born 12 March 1985 in", "12 March 1985"),
    ("pii.date_of_birth", "date of birth 25.12.1985", "25.12.1985"),
    ("pii.person_name", "Dear Jane Doe, thanks", "Jane Doe"),
    ("pii.person_name", "Patient: Ahmed Khan was seen", "Ahmed Khan"),
    ("pii.street_address", "Ship to 742 Evergreen Terrace today", "742 Evergreen Terrace"),
    (
        "pii.street_address",
        "at 1600 Pennsylvania Ave, Washington, DC 20500.",
        "1600 Pennsylvania Ave, Washington, DC 20500",
    ),
]


@pytest.mark.parametrize(
    ("class_id", "text", "expected"),
    [pytest.param(c, t, e, id=f"{c}-{i}") for i, (c, t, e) in enumerate(POSITIVES)],
)
def test_positive(class_id: str, text: str, expected: str) -> None:
    assert expected in find_any(class_id, text)


_SHA1 = "3f786850e387550fdab836ed7e6dc881de23001b"
_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
_UUID = "123e4567-e89b-12d3-a456-426614174000"

HARD_NEGATIVES: list[tuple[str, str]] = [
    ("pii.payment_card", "tracking 1234 5678 9012 3456"),
    ("pii.payment_card", "id 4111111111111112"),
    ("pii.payment_card", "ids 1234567812345678 and 9999888877776666"),
    ("pii.payment_card", "0000 0000 0000 0000"),
    ("pii.national_id.us_ssn", "ref 912-38-4417"),
    ("pii.national_id.us_ssn", "ref 666-38-4417"),
    ("pii.national_id.us_ssn", "the wallet card 078-05-1120"),
    ("pii.national_id.us_ssn", "ssn 987654321"),
    ("pii.phone", "price $12.99 or 1,299.00 total"),
    ("pii.phone", "Order 2024-558812 shipped"),
    ("pii.phone", "on 2024-05-01 at 12:30:00"),
    ("pii.phone", "version 1.2.3.4 and v10.0.19045"),
    ("pii.phone", "3.14159 26535"),
    ("pii.phone", "total 201-555-0123.75"),
    ("pii.phone", "path /201-555-0123 and id_2015550123"),
    ("pii.phone", "request 5c12e0b3-0412-4123-ab12-0c3d5e6f7a8b done"),
    ("pii.phone", "trace 9d0e7f2a-0221-4567-9abc-1234567890ab"),
    ("pii.national_id.us_ssn", "key 512384417-ab and 512384417.txt"),
    ("pii.iban", "GB82 WEST 1234 5698 7654 33"),
    ("pii.iban", "DE89370400440532013001"),
    ("pii.ip_address", "release 10.0.19045.3803"),
    ("pii.ip_address", "lan 192.168.1.10 gw 10.0.0.1 lo 127.0.0.1"),
    ("pii.ip_address", "docs 192.0.2.1, 198.51.100.7, 203.0.113.9, 2001:db8::1:2"),
    ("pii.ip_address", "oid 1.3.6.1.4.1.311"),
    ("pii.ip_address", "mac 00:1a:2b:3c:4d:5e at 12:30:00"),
    ("pii.national_id.uk_nino", "QQ 12 34 56 C"),
    ("pii.national_id.ca_sin", "046 454 286"),
    ("pii.date_of_birth", "dob 2099-01-01"),
    ("pii.date_of_birth", "1714566600"),
    ("pii.email", "logo@2x.png and git@github.com:org/repo.git"),
    ("pii.email", "npm i lodash@4.17.21 @types/node@20.1.0"),
    ("pii.person_name", "Dear Senior Software Engineer"),
    ("pii.person_name", "Contact Acme Corporation"),
    ("pii.street_address", "Route 66 and Suite 200"),
]
_DIGESTS_AND_TIMESTAMPS = f"{_UUID} {_SHA1} {_SHA256} 2024-05-01T12:30:00Z 1714566600 1714566600123"


@pytest.mark.parametrize(
    ("class_id", "text"),
    [pytest.param(c, t, id=f"{c}-{i}") for i, (c, t) in enumerate(HARD_NEGATIVES)],
)
def test_hard_negative(class_id: str, text: str) -> None:
    assert find_any(class_id, text) == []


@pytest.mark.parametrize("detector", PII_DETECTORS, ids=lambda d: d.id)
def test_no_hit_in_digests_uuids_and_timestamps(detector: Detector) -> None:
    assert find(detector, _DIGESTS_AND_TIMESTAMPS) == []


def test_ssn_look_alike_area_9xx_sweep() -> None:
    text = " ".join(f"{area}-45-6789" for area in range(900, 1000))
    assert find_any("pii.national_id.us_ssn", text) == []


def test_luhn_invalid_16_digit_ids_sweep() -> None:
    ids = [f"4{n:014d}" for n in range(1000, 1100)]
    invalid = [i + str((int(luhn_check_digit(i)) + 1) % 10) for i in ids]
    assert find(BY_ID["pii.payment_card"], " ".join(invalid)) == []


@pytest.mark.parametrize(
    "detector_id",
    [
        "pii.phone.bare",
        "pii.national_id.us_ssn.bare",
        "pii.national_id.ca_sin.bare",
        "pii.national_id.in_aadhaar.bare",
        "pii.passport.us",
        "pii.date_of_birth.numeric",
        "pii.date_of_birth.text",
        "pii.person_name",
    ],
)
def test_bare_shapes_need_context(detector_id: str) -> None:
    detector = BY_ID[detector_id]
    assert detector.context_required
    assert detector.context


def test_phone_negative_context_names_ids_and_prices() -> None:
    for detector in (d for d in PII_DETECTORS if d.data_class == "pii.phone"):
        assert {
            "order",
            "invoice",
            "sku",
            "id",
            "price",
            "total",
            "amount",
            "ref",
            "tracking",
        } <= set(detector.negative_context)


def test_ip_negative_context_names_versions() -> None:
    assert {"version", "v", "release"} <= set(BY_ID["pii.ip_address.v4"].negative_context)


@pytest.mark.parametrize("detector", PII_DETECTORS, ids=lambda d: d.id)
def test_detector_is_complete(detector: Detector) -> None:
    assert detector.data_class in DATA_CLASSES
    assert detector.id.startswith(detector.data_class)
    assert detector.validator is not None
    assert detector.references and detector.field_names and detector.description
    assert all(w == w.lower() for w in (*detector.context, *detector.negative_context))
    compiled = re.compile(detector.pattern)
    assert compiled.groups == 0, "candidate patterns must not capture"


def test_ids_unique_and_every_class_covered() -> None:
    ids = [d.id for d in PII_DETECTORS]
    assert len(ids) == len(set(ids))
    pii_classes = {c for c in DATA_CLASSES if c.startswith("pii.")}
    assert pii_classes == {d.data_class for d in PII_DETECTORS}


def test_all_patterns_compile_in_one_hyperscan_database() -> None:
    database = hyperscan.Database()
    database.compile(
        expressions=[d.pattern.encode("utf-8") for d in PII_DETECTORS],
        ids=list(range(len(PII_DETECTORS))),
        elements=len(PII_DETECTORS),
        flags=[
            hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if d.ignore_case else 0)
            for d in PII_DETECTORS
        ],
    )
    found: list[int] = []

    def on_match(pattern: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
        found.append(pattern)

    database.scan(b"mail jane.doe@mailbox.org", match_event_handler=on_match)
    assert PII_DETECTORS.index(BY_ID["pii.email"]) in found


def test_hyperscan_and_re_find_the_same_candidates() -> None:
    text = " | ".join(t for _, t, _ in POSITIVES) + " | " + " | ".join(t for _, t in HARD_NEGATIVES)
    text += " | " + _DIGESTS_AND_TIMESTAMPS
    hyperscan_candidates = build_engine(PII_DETECTORS, "hyperscan").candidates(text)
    re_candidates = build_engine(PII_DETECTORS, "re").candidates(text)
    assert hyperscan_candidates == re_candidates
    assert len(re_candidates) >= len(POSITIVES)


def _national_phone_candidates(text: str, backend: str) -> list[str]:
    engine = build_engine([BY_ID["pii.phone.national"]], backend)
    return [text[c.start : c.end] for c in engine.candidates(text)]


@pytest.mark.parametrize("backend", ["re", "hyperscan"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Call (201) 555-0123 now", ["(201) 555-0123"], id="nanp-parens"),
        pytest.param("Call 201.555.0123 now", ["201.555.0123"], id="nanp-dots"),
        pytest.param("ring 0555-0123", ["0555-0123"], id="seven-digits-two-groups-trunk"),
        pytest.param("ring 555-0123", [], id="two-groups-no-trunk-not-ten-digits"),
        pytest.param("cell 98765 43210", ["98765 43210"], id="in-mobile-two-groups"),
        pytest.param("cell 9876-543210", ["9876-543210"], id="in-mobile-four-six"),
        pytest.param("Order 2024-558812 shipped", [], id="year-and-serial"),
        pytest.param("ssn 512-38-4417", [], id="ssn-shape"),
        pytest.param("ref 052-94-1593", ["052-94-1593"], id="ssn-shape-with-trunk"),
        pytest.param("host 192.168.208.106 up", [], id="dotted-quad"),
        pytest.param("v 10.34.144 and 01.23.45", [], id="dotted-triples"),
        pytest.param("fr 01.23.45.67.89", ["01.23.45.67.89"], id="fr-dotted-five-groups"),
        pytest.param("de 030.1234.5678", ["030.1234.5678"], id="dotted-long-group"),
        pytest.param("call 503.978.8433", ["503.978.8433"], id="nanp-dotted"),
        pytest.param("call 404 512 7330", ["404 512 7330"], id="nanp-spaced"),
        pytest.param("uk 020 7946 0958", ["020 7946 0958"], id="gb-three-groups"),
        pytest.param("in 0124 456 7890", ["0124 456 7890"], id="in-landline"),
        pytest.param("gb 01632 960 001", ["01632 960 001"], id="gb-five-digit-area"),
        pytest.param("at 2024-05-01 0152 345", ["2024-05-01 0152 345"], id="date-then-more"),
        pytest.param("n 2024 0123 456 789", ["2024 0123 456 789"], id="long-run-kept-whole"),
        pytest.param("Büro: 030 123456.", ["030 123456"], id="de-two-groups"),
        pytest.param("mobile 01 23 45 67 89", ["01 23 45 67 89"], id="fr-five-groups"),
        pytest.param("(020) 7946 0958", ["(020) 7946 0958"], id="gb-parens"),
        pytest.param("in 2024-05 we", [], id="year-month"),
        pytest.param("costs $12.99 or 1299.00", [], id="prices"),
        pytest.param("node v20.11.1 and 1.25.100", [], id="short-versions"),
        pytest.param("ratio 12-345 and (12) 3456", [], id="six-digits"),
        pytest.param("on 2024-05-01 at", [], id="iso-date"),
        pytest.param("on 2024.05.01 or 1999 12 31", [], id="dotted-and-spaced-dates"),
        pytest.param("on 0124-05-01 at", ["0124-05-01"], id="four-two-two-with-trunk"),
        pytest.param("call 201-555-0123 - ok", ["201-555-0123"], id="spaced-dash-after"),
        pytest.param("id 5c12e0b3-0412-4123-ab12", ["0412-4123-a"], id="uuid-groups-glued"),
    ],
)
def test_national_phone_candidates_have_seven_digits(
    text: str, expected: list[str], backend: str
) -> None:
    """Two short digit groups are no candidate at all; the rest is the validator's to judge."""
    assert _national_phone_candidates(text, backend) == expected


def _digit_run(rng: random.Random, length: int, lead: str = "0123456789") -> str:
    return rng.choice(lead) + "".join(rng.choice("0123456789") for _ in range(length - 1))


def _dropped_national_shapes(rng: random.Random) -> list[str]:
    """Separated digit runs the national-phone pattern no longer proposes."""
    sep = rng.choice(" .-")
    shapes = [
        # 4-2-2 and 3-2-4 without a trunk 0: dates and SSN shapes
        sep.join((_digit_run(rng, 4, "123456789"), _digit_run(rng, 2), _digit_run(rng, 2))),
        sep.join((_digit_run(rng, 3, "123456789"), _digit_run(rng, 2), _digit_run(rng, 4))),
    ]
    first = rng.randint(2, 5)
    second = rng.randint(max(2, 7 - first), 8)
    # two groups without a trunk 0 are only ever a ten-digit Indian mobile
    shapes.append(_digit_run(rng, first, "12345") + sep + _digit_run(rng, second))
    if first + second != 10:
        shapes.append(_digit_run(rng, first, "6789") + sep + _digit_run(rng, second))
    quad = [_digit_run(rng, rng.randint(2, 3)) for _ in range(rng.randint(3, 4))]
    shapes.append(".".join(quad))
    return shapes


@pytest.mark.parametrize("seed", range(40))
def test_dropped_national_phone_shapes_are_never_valid(seed: int) -> None:
    """The pattern leaves out only shapes the phone validator rejects whatever their digits."""
    detector = BY_ID["pii.phone.national"]
    engine = build_engine([detector], "hyperscan")
    for value in _dropped_national_shapes(random.Random(seed)):
        assert detector.validator is not None
        assert not detector.validator(value).valid, value
        assert engine.candidates(f"tel {value} ok") == [], value


def _ipv4_candidates(text: str, backend: str) -> list[str]:
    engine = build_engine([BY_ID["pii.ip_address.v4"]], backend)
    return [text[c.start : c.end] for c in engine.candidates(text)]


@pytest.mark.parametrize("backend", ["re", "hyperscan"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("client 45.33.12.7 up", ["45.33.12.7"], id="public"),
        pytest.param("lan 192.168.1.10 gw 10.0.0.1 lo 127.0.0.1", [], id="private-and-loopback"),
        pytest.param("k8s 172.16.0.1 172.31.255.255", [], id="rfc1918-172"),
        pytest.param("bad 10.0.0.999 and 192.168.01.1", [], id="private-start-malformed"),
        pytest.param(
            "edge 172.15.0.1 172.32.0.1 192.169.0.1 11.0.0.1",
            ["172.15.0.1", "172.32.0.1", "192.169.0.1", "11.0.0.1"],
            id="next-to-private-ranges",
        ),
        pytest.param(
            "x 1.10.0.0 100.64.0.1 110.0.0.1 210.1.2.3",
            ["1.10.0.0", "100.64.0.1", "110.0.0.1", "210.1.2.3"],
            id="private-digits-elsewhere",
        ),
        pytest.param("oid 10.1.2.3.4 v 192.168.0.1.7", ["10.1.2.3.4", "192.168.0.1.7"], id="five"),
        pytest.param("docs 192.0.2.1", ["192.0.2.1"], id="documentation-left-to-validator"),
    ],
)
def test_ipv4_candidates_skip_private_quads(text: str, expected: list[str], backend: str) -> None:
    assert _ipv4_candidates(text, backend) == expected


@pytest.mark.parametrize("seed", range(20))
def test_dropped_ipv4_quads_are_never_public(seed: int) -> None:
    rng = random.Random(seed)
    detector = BY_ID["pii.ip_address.v4"]
    engine = build_engine([detector], "hyperscan")
    starts = ("10", "127", "192.168", f"172.{rng.randint(16, 31)}")
    for start in starts:
        tail = [str(rng.randint(0, 999)) for _ in range(4 - start.count(".") - 1)]
        value = ".".join((start, *tail))
        assert detector.validator is not None
        assert not detector.validator(value).valid, value
        assert engine.candidates(f"ip {value} up") == [], value
