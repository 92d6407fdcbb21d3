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
_MASK_CHARS = frozenset("*•●#xX.")
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


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``'s own character distribution."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def character_classes(value: str) -> int:
    """How many of lower-case, upper-case, digit and other characters ``value`` mixes."""
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
    for word in _PLACEHOLDER_WORDS:
        if word in lowered:
            return f"placeholder fragment {word!r}"
    if value and all(c in _MASK_CHARS for c in value):
        return "a mask of repeated characters"
    if _BRACKETED.match(value):
        return "a bracketed placeholder"
    if longest_repeat_run(value) >= MIN_REPEAT_RUN:
        return "a long run of one repeated character"
    if longest_sequence_run(value) >= MIN_SEQUENCE_RUN:
        return "a run of sequential characters"
    if len(value) >= 8 and len(set(value)) <= 3:
        return "too few distinct characters"
    return None


def reference_reason(value: str) -> str | None:
    """Values that point at a secret held elsewhere: environment, templates, vaults."""
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
    if _CODE_REFERENCE.match(value):
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


def randomness_reason(value: str) -> str | None:
    """Too short, or too regular for a secret someone generated or chose with care."""
    if len(value) < 6:
        return "shorter than 6 characters"
    classes = character_classes(value)
    entropy = shannon_entropy(value)
    if classes >= 3 and entropy >= MIN_MIXED_ENTROPY:
        return None
    if classes >= 2 and entropy >= MIN_RANDOM_ENTROPY and len(value) >= 8:
        return None
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


def non_secret_reason(value: str, filters: tuple[Filter, ...] = GENERIC_FILTERS) -> str | None:
    """The first reason ``value`` is not a secret, or ``None`` when every filter lets it by."""
    for check in filters:
        reason = check(value)
        if reason is not None:
            return reason
    return None
