"""Validators for person names and street addresses: does this one value look like one?

Both run on sampled column values and on free-text candidates, so they must be cheap and
strict. Shape rules reject most values in microseconds (digits in a name, no house number
in an address, a word that is a job title or a product); only survivors go to the CRF
taggers shipped with ``probablepeople`` and ``usaddress``, whose results are cached. The
CRFs alone call almost any two capitalised words a person, hence the vocabulary of words
that are not names.
"""

from __future__ import annotations

import re
from functools import lru_cache

import probablepeople
import usaddress
from probablepeople.ratios import ratios as _census_name_ratios

from stackward.dspm.detector import Validation, accept, reject


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: keeps long vocabularies readable."""
    return frozenset(text.split())


MAX_NAME_CHARS = 80
MAX_ADDRESS_CHARS = 200
_CACHE_SIZE = 8192

_NAME_WORD = re.compile(
    r"(?:[A-Z][a-z]*[A-Z]?[a-z]+|[A-Z]{2,}|[A-Z](?=['\u2019]))"
    r"(?:['\u2019-](?:[A-Z]?[a-z]+|[A-Z]+))*\Z"
)
_PLACE_PREFIXES = _words(
    "san santa santo sao los las el la le fort port mount mt saint st sainte new north south "
    "east west lake rio puerto bad hong kuala palo baton"
)
"""First words of multi-word place names (San Diego, Fort Worth, Saint Louis)."""
_VOCABULARY_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ware", "ics", "ology")
"""Word endings of common nouns and verbs that census name lists rarely hold."""


def _census_name(word: str) -> bool:
    """Is ``word`` a given name or surname in the US census lists shipped with probablepeople?"""
    key = word.rstrip(".").upper().replace("'", "").replace("\u2019", "")
    return key in _census_name_ratios or any(p in _census_name_ratios for p in key.split("-"))


GIVEN_NAME_SHARE = 0.9
"""Share of census uses as a given name above which a word is taken as a given name."""


def given_then_surname(first: str, last: str) -> bool:
    """``first`` is (almost always) a census given name and ``last`` a census name.

    Such a pair, once the shape and vocabulary rules passed, is a person: the CRF tagger
    agrees on nearly all of them, and checking the census lists costs a dictionary look-up
    where the tagger costs a fifth of a millisecond."""
    given = _census_name_ratios.get(first.upper())
    return given is not None and given >= GIVEN_NAME_SHARE and last.upper() in _census_name_ratios


_INITIAL = re.compile(r"[A-Z]\.?\Z")
_NAME_PARTICLES = _words("van von der den de da di du del della dos das bin ibn al el la le")
_HONORIFICS = _words("mr mrs ms miss mx dr prof sir dame")
_GENERATIONAL = _words("jr sr ii iii iv")

NON_NAME_WORDS: frozenset[str] = _words(
    """
    inc llc ltd plc gmbh corp corporation company co group holdings partners associates
    bank capital systems solutions technologies technology software labs services global
    international industries enterprises consulting ventures foundation institute university
    college school hospital clinic center centre agency department office team club society
    manager director engineer developer analyst designer architect consultant specialist
    officer assistant coordinator administrator executive president chief head lead senior
    junior principal staff intern associate representative supervisor technician scientist
    accountant nurse teacher clerk operator editor writer producer marketing sales
    finance accounting operations product engineering support customer service services
    human resources legal security data research development quality assurance logistics
    vice general regional national account business project program programme
    wireless bluetooth smart pro max mini plus ultra lite edition premium deluxe classic
    original organic natural fresh frozen extra large small medium size pack set kit bundle
    charger cable adapter mouse keyboard mat pad grinder lamp monitor laptop phone tablet speaker headphones
    camera printer router battery case cover stand holder bottle mug cup shirt jacket shoes
    socks hat bag backpack wallet watch lamp chair table desk sofa bed pillow blanket towel
    coffee tea juice water milk bread cheese chocolate sauce oil soap shampoo cream lotion
    blue yellow orange purple
    south new old upper lower central downtown city county state province
    street avenue road drive boulevard court place square station
    airport port harbor harbour beach mountain valley island falls springs
    heights hills village town district region area zone
    total amount order invoice payment shipping delivery status pending active
    unknown none null test sample example default admin user guest anonymous n/a
    monday tuesday wednesday thursday friday saturday sunday
    january february july september october november december
    """
)
"""Lower-case words that, anywhere in a value, say it is not a person's name."""


def _name_tokens(value: str) -> list[str] | None:
    """Words of a name, with ``Surname, Given`` reordered; None when the shape is wrong."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) > 2 or not all(parts):
        return None
    if len(parts) == 2:
        if parts[1].rstrip(".").lower() in _GENERATIONAL:
            parts = [parts[0] + " " + parts[1]]
        else:
            parts = [parts[1], parts[0]]
    return " ".join(parts).split()


@lru_cache(maxsize=_CACHE_SIZE)
def _probablepeople_label(value: str) -> str:
    try:
        _, label = probablepeople.tag(value)
    except probablepeople.RepeatedLabelError:
        return "Ambiguous"
    return str(label)


@lru_cache(maxsize=_CACHE_SIZE)
def validate_person_name(value: str) -> Validation:
    """One to four capitalised alphabetic words (initials, particles, honorifics allowed),
    no non-name word, and tagged a person by ``probablepeople``."""
    text = value.strip()
    if not 2 <= len(text) <= MAX_NAME_CHARS:
        return reject("length outside a name's")
    if any(c.isdigit() or c in "@/\\_&#:;|()[]{}<>=+*" for c in text):
        return reject("digits or symbols a name does not carry")
    tokens = _name_tokens(text)
    if tokens is None:
        return reject("more than one comma")
    core: list[str] = []
    for index, token in enumerate(tokens):
        bare = token.rstrip(".").lower()
        if bare in NON_NAME_WORDS:
            return reject(f"contains a non-name word ({bare!r})")
        if (index == 0 and bare in _HONORIFICS) or bare in _GENERATIONAL:
            continue
        if bare in _NAME_PARTICLES and 0 < index < len(tokens) - 1:
            continue
        if not (_NAME_WORD.match(token) or _INITIAL.match(token)):
            return reject(f"word {index + 1} is not a capitalised name word")
        core.append(token)
    words = [t for t in core if not _INITIAL.match(t)]
    if not words or len(core) > 4:
        return reject("not one to four name words")
    if len(words) > 1 and tokens[0].rstrip(".").lower() in _PLACE_PREFIXES:
        return reject(f"starts like a place name ({tokens[0]!r})")
    known = [w for w in words if _census_name(w)]
    if not known:
        return reject("no word is a census given name or surname")
    for word in words:
        if not _census_name(word) and word.lower().endswith(_VOCABULARY_ENDINGS):
            return reject(f"{word!r} reads as a common noun or verb")
    if len(tokens) == len(words) == 2 and given_then_surname(*words):
        return accept("census given name, then a census name")
    label = _probablepeople_label(" ".join(tokens))
    if label != "Person":
        return reject(f"probablepeople tags it {label}")
    if len(words) == 1:
        return accept("single census name word; probablepeople: Person", 0.6)
    return accept(
        f"{len(words)} capitalised name words, {len(known)} in census name lists; "
        "probablepeople: Person"
    )


def validate_person_name_in_text(value: str) -> Validation:
    """A name found in running text must have at least two name words: a lone capitalised
    word in prose is far more often something else."""
    result = validate_person_name(value)
    if result.valid and result.confidence is not None and result.confidence < 0.7:
        return reject("a single name word in running text")
    return result


STREET_SUFFIXES: frozenset[str] = _words(
    """
    street st avenue ave av road rd boulevard blvd lane ln drive dr court ct way place pl
    terrace ter parkway pkwy circle cir highway hwy trail trl square sq loop alley aly
    crescent cres close grove gardens gdns row walk path pike plaza plz point pt ridge run
    expressway expy freeway fwy turnpike tpke crossing xing commons cove cv glen hollow
    landing ldg park pass view vista mews wynd esplanade promenade
    """
)
"""Lower-case street-type words (USPS Publication 28 suffixes and common UK types)."""

_UNIT_WORDS = _words("apt apartment unit suite ste flat fl floor bldg building room rm #")
_HOUSE_NUMBER = re.compile(r"\d{1,6}[A-Za-z]?(?:-\d{1,5})?\Z")


US_STATE_CODES: frozenset[str] = _words(
    """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ
    NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP AA AE AP
    """
)
"""USPS two-letter codes of states, DC, territories and military post offices."""

_FULL_US_ADDRESS = re.compile(
    r"\d{1,6}[A-Za-z]? (?:[NSEW]\.? )?(?:[A-Z][a-z]+ ){1,3}(?P<type>[A-Z][a-z]+)\.?"
    r"(?:,? (?:Apt|Suite|Ste|Unit|#) ?[A-Za-z0-9-]{1,6})?"
    r", [A-Z][a-z]+(?: [A-Z][a-z]+){0,2},? (?P<state>[A-Z]{2}) \d{5}(?:-\d{4})?\Z"
)
"""A complete one-line US address: house number, capitalised street name, street type,
optional unit, then city, state code and ZIP. Nothing else has all of these parts, so
this shape is confirmed without the CRF tagger (which costs a quarter of a millisecond)."""


def full_us_address(text: str) -> bool:
    """``text`` (whitespace collapsed) is a complete one-line US address."""
    match = _FULL_US_ADDRESS.match(text)
    return (
        match is not None
        and match["type"].lower() in STREET_SUFFIXES
        and match["state"] in US_STATE_CODES
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _usaddress_parts(value: str) -> tuple[dict[str, str], str]:
    try:
        parts, label = usaddress.tag(value)
    except usaddress.RepeatedLabelError:
        return {}, "Ambiguous"
    return dict(parts), str(label)


@lru_cache(maxsize=_CACHE_SIZE)
def validate_street_address(value: str) -> Validation:
    """A house number, a street name and a street type, as parsed by ``usaddress``."""
    text = " ".join(value.split())
    if not 5 <= len(text) <= MAX_ADDRESS_CHARS:
        return reject("length outside an address's")
    words = text.replace(",", " ").split()
    leads_with_unit = words[0].rstrip(".").lower() in _UNIT_WORDS
    if not (
        _HOUSE_NUMBER.match(words[0])
        or (leads_with_unit and any(_HOUSE_NUMBER.match(w) for w in words[2:4]))
    ):
        return reject("does not start with a house number (or a unit, then a house number)")
    if not any(w.rstrip(".").lower() in STREET_SUFFIXES for w in words[1:]):
        return reject("no street type (Street, Ave, Rd, ...)")
    if full_us_address(text):
        return accept("house number, street name, street type, city, state code and ZIP")
    parts, label = _usaddress_parts(text)
    if label != "Street Address":
        return reject(f"usaddress tags it {label}")
    if "AddressNumber" not in parts or "StreetName" not in parts:
        return reject("usaddress finds no house number and street name")
    street_type = parts.get("StreetNamePostType") or parts.get("StreetNamePreType") or ""
    if street_type.rstrip(".").lower() not in STREET_SUFFIXES:
        return reject("usaddress finds no street type")
    found = [k for k in ("PlaceName", "StateName", "ZipCode", "OccupancyIdentifier") if k in parts]
    extra = f" + {', '.join(found)}" if found else ""
    return accept(f"usaddress: AddressNumber, StreetName, street type{extra}")
