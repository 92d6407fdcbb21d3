"""Filters that tell a secret-shaped value from things that only look like one.

Each filter is a pure function of the value that returns the reason it is *not* a secret
(``"placeholder 'changeme'"``), or ``None`` when it has nothing against it. Detectors that
match on a key name (``password = ...``) run all of them through :func:`non_secret_reason`;
vendor tokens with a fixed prefix only need :func:`placeholder_reason` and
:func:`documented_example_reason`, because their shape is already specific.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable

MIN_RANDOM_ENTROPY = 3.0
"""Bits per character from which a value with two character classes reads as random."""
MIN_MIXED_ENTROPY = 2.5
"""Bits per character enough for a value with three or more character classes."""
MIN_SEQUENCE_RUN = 6
"""A run of this many consecutive characters (``abcdef``, ``123456``) marks a made-up value."""
MIN_REPEAT_RUN = 6

DOCUMENTED_EXAMPLES: frozenset[str] = frozenset(
    {
        # AWS documentation (IAM user guide, CLI configuration)
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        # Stripe API reference
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
        "sk_test_26PHem9AhJZvU623DfE1x4sd",
        "pk_test_TYooMQauvdEDq54NiTphI7jx",
        # GitHub REST documentation
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "ghu_16C7e42F292c6912E7710c838347Ae178B4a",
        "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
        # Slack API documentation
        "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
        # Azurite / Azure storage emulator well-known account key
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        # jwt.io default token's signature part
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    }
)
"""Keys that vendors print in their documentation: they are in countless READMEs and tests."""

_PLACEHOLDER_VALUES = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "changeme",
        "change_me",
        "change-me",
        "changeit",
        "test",
        "testing",
        "foo",
        "bar",
        "foobar",
        "baz",
        "qwerty",
        "letmein",
        "admin",
        "root",
        "guest",
        "user",
        "username",
        "postgres",
        "mysql",
        "default",
        "none",
        "null",
        "nil",
        "undefined",
        "true",
        "false",
        "empty",
        "required",
        "optional",
        "string",
        "value",
        "hidden",
        "masked",
    }
)
"""Whole values that are words people type where a secret will go, or default credentials."""

_PLACEHOLDER_WORDS = (
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "change_me",
    "redacted",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "mypassword",
    "my_password",
    "mysecret",
    "my_secret",
    "mytoken",
    "my_token",
    "_here",
    "-here",
    "insert",
    "replace",
    "notreal",
    "not_real",
    "notasecret",
    "fake",
    "xxxx",
    "todo",
    "fixme",
)
"""Fragments that, anywhere in a value, mark it as made up (``my-fake-token``)."""
_PLACEHOLDER_STEMS = tuple(
    dict.fromkeys(
        next(
            (stem for stem in ("ample", "change", "your", "my", "here", "not") if stem in word),
            word,
        )
        for word in _PLACEHOLDER_WORDS
    )
)
"""Shorter fragments that every placeholder fragment contains: half as many searches for
the values (nearly all) that hold none of them."""
_MASK_CHARS = "*•●#xX."
_BRACKET_OPENERS = "<[{("
_BRACKETED = re.compile(r"^(?:<[^<>]{1,80}>|\[[^\[\]]{1,80}\]|\{[^{}]{1,80}\}|\([^()]{1,80}\))$")

_ENV_REFERENCE = re.compile(
    r"\$\{[^}]{0,200}\}"  # ${VAR}, ${VAR:-default}
    r"|^\$[A-Za-z_][A-Za-z0-9_]*$"  # $VAR
    r"|^%[A-Za-z_][A-Za-z0-9_]*%$"  # %VAR%
    r"|\$\([^)]{0,200}\)"  # $(command)
    r"|\{\{[^}]{0,200}\}\}"  # {{ var }}
    r"|<%=?.{0,200}%>"  # ERB
    r"|\{%.{0,200}%\}"  # Jinja blocks
    r"|\bos\.environ\b|\bgetenv\b|\bprocess\.env\b|\benv\s*\(|\bENV\s*\["
    r"|\{[A-Za-z_][A-Za-z0-9_.]{0,80}(?:\[[^\]]{0,80}\])?(?:![rsa])?(?::[^}]{0,20})?\}"  # {name}
    r"|%\([A-Za-z_][A-Za-z0-9_]{0,80}\)[sdr]|^%[sdr]$"  # %(name)s, %s
    r"|\bSystem\.getenv\b|\bsecrets\.[A-Z_]+\b|\bvault:|\bssm:|\bsecretsmanager\b",
)

_REFERENCE_MARKS = ("$", "{", "%", "<", "env", "ENV", "secrets", "vault:", "ssm:")
"""Every form ``_ENV_REFERENCE`` knows contains one of these: a value holding none of them
skips the regex (most values do)."""

_HEX = re.compile(r"^[0-9a-fA-F]+$")
_HEX_DIGEST_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_VERSION = re.compile(r"^[vV]?\d{1,4}(?:\.\d{1,6}){1,3}(?:[-+._][0-9A-Za-z.-]{1,30})?$")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_FILE_PATH = re.compile(
    r"^(?:~|\.{1,2})?/[^\s]*$"  # /etc/x, ./x, ~/x
    r"|^[A-Za-z]:\\"  # C:\
    r"|^[\w.-]+(?:/[\w.-]+)+\.(?:json|ya?ml|pem|key|txt|cfg|conf|ini|env|crt|p12|pfx)$"
)
_NUMERIC_SHAPE = re.compile(
    "|".join(f"(?:{shape.pattern})" for shape in (_UUID, _VERSION, _TIMESTAMP, _NUMBER))
)
"""One pass for the identifiers that start with a digit or a sign, before telling which."""
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]{1,20}://")
_URL_CREDENTIALS = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^/@\s]{1,200}:[^/@\s]{1,400}@")
_CODE_REFERENCE = re.compile(
    r"^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)+(?:\(.*)?$"  # settings.SECRET
    r"|^[A-Za-z_$][A-Za-z0-9_$.]*\(.*$"  # get_password(...)
    r"|^[A-Za-z_$][A-Za-z0-9_$]*\[.*$"  # config[...]
    r"|^(?:self|this|cls|args|opts|options|params|config|cfg|settings)\b"
)
_CAPITALISED_WORD = re.compile(r"[A-Z][a-z]+")
_SNAKE_OR_CONSTANT = re.compile(
    r"^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)$"
)
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z_$]*[0-9]{0,2}$")
_ASCII_DIGIT = re.compile(r"[0-9]")

_N_LOG2_N = tuple(n * math.log2(n) if n else 0.0 for n in range(1025))
"""``n * log2(n)`` for the character counts of values up to 1 KiB, looked up, not computed."""
_REPEAT_STEPS = b"\x80" * (MIN_REPEAT_RUN - 1)
_UP_STEPS = b"\x81" * (MIN_SEQUENCE_RUN - 1)
_DOWN_STEPS = b"\x7f" * (MIN_SEQUENCE_RUN - 1)
_MIN_RUN = min(MIN_REPEAT_RUN, MIN_SEQUENCE_RUN)
_RUN_STEP_FLAGS = bytes(1 if step in (0x7F, 0x80, 0x81) else 0 for step in range(256))
_RUN_OF_FLAGS = b"\x01" * (_MIN_RUN - 1)
_HIGH_BITS: dict[int, int] = {}
"""``0x8080…80`` by width in bytes, for :func:`_ascii_steps`."""
_MAX_CACHED_WIDTH = 512
_DISTINCT_PROBE = 16
_ENTROPY_MARGIN = 1e-9
"""Keeps the entropy bounds clear of floating-point rounding at a threshold."""
_CODE_WORDS = (
    "self",
    "this",
    "cls",
    "args",
    "opts",
    "options",
    "params",
    "config",
    "cfg",
    "settings",
)


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``'s own character distribution."""
    total = len(value)
    if not total:
        return 0.0
    counts = Counter(value).values()
    if total < len(_N_LOG2_N):
        weighted = sum(map(_N_LOG2_N.__getitem__, counts))
    else:
        weighted = sum(n * math.log2(n) for n in counts)
    # H = log2(N) - sum(n log2 n) / N: one logarithm per value instead of one per character
    return max(0.0, math.log2(total) - weighted / total)


def entropy_at_least(value: str, bits: float) -> bool:
    """Whether ``shannon_entropy(value) >= bits``, mostly without counting characters.

    Entropy is Schur-concave: among values of one length with ``d`` distinct characters,
    the one where a single character fills every place the other ``d - 1`` leave has the
    least, and ``log2(d)`` bounds it from above. Only values between the bounds are counted.
    """
    length = len(value)
    if not length:
        return bits <= 0.0
    distinct = len(set(value))
    if distinct > 1:
        most = (length - distinct + 1) / length
        least = -most * math.log2(most) + (distinct - 1) / length * math.log2(length)
        if least >= bits + _ENTROPY_MARGIN:
            return True
    if math.log2(distinct) < bits - _ENTROPY_MARGIN:
        return False
    return shannon_entropy(value) >= bits


def character_classes(value: str) -> int:
    """How many of lower-case, upper-case, digit and other characters ``value`` mixes."""
    if not value:
        return 0
    if value.isascii():
        # in ASCII a letter changes under upper()/lower() and isdigit() is [0-9]: C-speed scans
        return (
            (value != value.upper())
            + (value != value.lower())
            + (_ASCII_DIGIT.search(value) is not None)
            + (not value.isalnum())
        )
    return sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )


def longest_sequence_run(value: str) -> int:
    """Length of the longest run of consecutive code points, up or down (``abcd``, ``4321``)."""
    if not value:
        return 0
    best = up = down = 1
    for previous, current in itertools.pairwise(value):
        step = ord(current) - ord(previous)
        up = up + 1 if step == 1 else 1
        down = down + 1 if step == -1 else 1
        best = max(best, up, down)
    return best


def longest_repeat_run(value: str) -> int:
    """Length of the longest run of one repeated character (``aaaa``)."""
    best = run = 0
    previous = ""
    for char in value:
        run = run + 1 if char == previous else 1
        previous = char
        best = max(best, run)
    return best


def documented_example_reason(value: str) -> str | None:
    if value in DOCUMENTED_EXAMPLES:
        return "a vendor's documented example key"
    return None


def placeholder_reason(value: str) -> str | None:
    """Made-up values: well-known words, masks, ``<your-key>``, repeats and sequences."""
    lowered = value.lower()
    if lowered in _PLACEHOLDER_VALUES:
        return f"placeholder word {lowered!r}"
    for stem in _PLACEHOLDER_STEMS:
        if stem in lowered:
            for word in _PLACEHOLDER_WORDS:
                if word in lowered:
                    return f"placeholder fragment {word!r}"
            break
    if value and not value.strip(_MASK_CHARS):
        return "a mask of repeated characters"
    if value and value[0] in _BRACKET_OPENERS and _BRACKETED.match(value):
        return "a bracketed placeholder"
    reason = run_reason(value)
    if reason is not None:
        return reason
    if len(value) >= 8 and len(set(value[:_DISTINCT_PROBE])) <= 3 and len(set(value)) <= 3:
        return "too few distinct characters"
    return None


def run_reason(value: str) -> str | None:
    """A run of one repeated character or of sequential characters, six or more long."""
    if not value.isascii():
        if longest_repeat_run(value) >= MIN_REPEAT_RUN:
            return "a long run of one repeated character"
        if longest_sequence_run(value) >= MIN_SEQUENCE_RUN:
            return "a run of sequential characters"
        return None
    if len(value) < _MIN_RUN:
        return None
    steps = _ascii_steps(value)
    if _RUN_OF_FLAGS not in steps.translate(_RUN_STEP_FLAGS):
        return None  # the usual answer, after one search instead of three
    if _REPEAT_STEPS in steps:
        return "a long run of one repeated character"
    if _UP_STEPS in steps or _DOWN_STEPS in steps:
        return "a run of sequential characters"
    return None


def _ascii_steps(value: str) -> bytes:
    """``128 + ord(b) - ord(a)`` for each neighbouring pair ``a b`` of an ASCII value.

    Computed as one big-integer subtraction: with the high bit set in every byte of the
    value without its first character, no byte of the difference borrows from the next, so
    each byte is one step (128 a repeat, 129 one up, 127 one down).
    """
    raw = value.encode("ascii")
    width = len(raw) - 1
    number = int.from_bytes(raw, "big")
    high = _HIGH_BITS.get(width)
    if high is None:
        high = int.from_bytes(b"\x80" * width, "big")
        if width <= _MAX_CACHED_WIDTH:
            _HIGH_BITS[width] = high
    ahead = (number & ((1 << (8 * width)) - 1)) | high
    return (ahead - (number >> 8)).to_bytes(width, "big")


def reference_reason(value: str) -> str | None:
    """Values that point at a secret held elsewhere: environment, templates, vaults."""
    for mark in _REFERENCE_MARKS:
        if mark in value:
            break
    else:
        return None
    if _ENV_REFERENCE.search(value):
        return "a reference to the environment or a template"
    return None


def digest_reason(value: str) -> str | None:
    """Bare hex of a digest length (MD5, SHA-1, SHA-2): a hash or commit id, not a key."""
    if len(value) in _HEX_DIGEST_LENGTHS and _HEX.match(value):
        return f"a {len(value)}-character hex digest"
    return None


def identifier_reason(value: str) -> str | None:
    """UUIDs, versions, timestamps, numbers, paths and URLs without credentials."""
    if (
        "://" not in value  # a URL
        and (("/" not in value and "\\" not in value) or _FILE_PATH.match(value) is None)
        and _NUMERIC_SHAPE.match(value) is None
    ):
        return None
    if _UUID.match(value):
        return "a UUID"
    if _VERSION.match(value):
        return "a version string"
    if _TIMESTAMP.match(value):
        return "a date or timestamp"
    if _NUMBER.match(value):
        return "a number"
    if _URL.match(value) and not _URL_CREDENTIALS.match(value):
        return "a URL without credentials"
    if _FILE_PATH.match(value):
        return "a file path"
    return None


def code_reason(value: str) -> str | None:
    """Code on the right of an assignment: attribute access, calls, subscripts, names."""
    if _may_be_code_reference(value) and _CODE_REFERENCE.match(value):
        return "a code expression"
    if _IDENTIFIER.match(value) and (value.islower() or value.isupper() or "_" in value):
        return "an identifier"
    if _SNAKE_OR_CONSTANT.match(value):
        return "an identifier"
    words = value.replace("-", "").replace("_", "").replace(".", "")
    if words.isalpha() and (len(value) < 24 or shannon_entropy(value) < 4.0):
        return "words or a CamelCase name"
    if value.isalnum() and sum(map(len, _CAPITALISED_WORD.findall(value))) >= 0.7 * len(value):
        return "a CamelCase class or type name"
    return None


def _may_be_code_reference(value: str) -> bool:
    """What every form of ``_CODE_REFERENCE`` needs: an attribute, a call, a subscript or a
    leading ``self``-like name; checked first because the regex backtracks on long values."""
    return "." in value or "(" in value or "[" in value or value.startswith(_CODE_WORDS)


def randomness_reason(value: str) -> str | None:
    """Too short, or too regular for a secret someone generated or chose with care."""
    if len(value) < 6:
        return "shorter than 6 characters"
    classes = character_classes(value)
    if classes >= 3 and entropy_at_least(value, MIN_MIXED_ENTROPY):
        return None
    if classes >= 2 and len(value) >= 8 and entropy_at_least(value, MIN_RANDOM_ENTROPY):
        return None
    entropy = shannon_entropy(value)
    return f"too regular for a secret ({classes} character classes, {entropy:.1f} bits/char)"


Filter = Callable[[str], str | None]

GENERIC_FILTERS: tuple[Filter, ...] = (
    documented_example_reason,
    reference_reason,
    placeholder_reason,
    identifier_reason,
    digest_reason,
    code_reason,
    randomness_reason,
)
"""What a value found next to a secret-sounding key name must get through."""

TOKEN_FILTERS: tuple[Filter, ...] = (documented_example_reason, placeholder_reason)
"""What a vendor token (fixed prefix, fixed alphabet) must get through."""


def token_reason(value: str) -> str | None:
    """:data:`TOKEN_FILTERS` as one call, for the validators that run on every vendor token."""
    if value in DOCUMENTED_EXAMPLES:
        return "a vendor's documented example key"
    return placeholder_reason(value)


def non_secret_reason(value: str, filters: tuple[Filter, ...] = GENERIC_FILTERS) -> str | None:
    """The first reason ``value`` is not a secret, or ``None`` when every filter lets it by."""
    for check in filters:
        reason = check(value)
        if reason is not None:
            return reason
    return None
