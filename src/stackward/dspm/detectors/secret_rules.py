"""How secret candidates are judged, and how secret detectors are declared.

The validators here decide on one candidate value (vendor token shape, checksum, decoded
JWT header, credential filters); the key-name fragments build the patterns of credentials
found by their name; ``_d`` is the compact declaration the detector tables in
:mod:`stackward.dspm.detectors.secrets` use. Names stay module-private to that package.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib

from stackward.dspm.detector import Detector, Validation, Validator, accept, reject
from stackward.dspm.validators.secret_filters import (
    character_classes,
    digest_reason,
    documented_example_reason,
    entropy_at_least,
    non_secret_reason,
    placeholder_reason,
    reference_reason,
    token_reason,
)

_END_TOKEN = r"(?:[^A-Za-z0-9_-]|$)"  # noqa: S105 - a pattern fragment
"""After a token whose alphabet includes ``-`` and ``_``: one delimiter or the end."""
_END_BASE64 = r"(?:[^A-Za-z0-9/+=]|$)"
_ASSIGN = r"""["']?\s{0,4}(?::=|=>|=|:)\s{0,4}"""
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MAX_JWT_PART = 8192
_BASE64_OTHER = re.compile(r"[0-9+/]")
_JWT_HEADERS: dict[str, object] = {}
"""Decoded JWT headers by their encoded form: a service signs every token with one header."""
_MAX_JWT_HEADERS = 256


def _value(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --- validators -------------------------------------------------------------------------


def _token(confidence: float | None = None, min_classes: int = 1) -> Validator:
    """A vendor token: not a placeholder, not a documented example, enough character mix."""
    accepted = accept("vendor token shape", confidence)

    def validate(value: str) -> Validation:
        reason = token_reason(value)
        if reason is not None:
            return reject(reason)
        if not value or (min_classes > 1 and character_classes(value) < min_classes):
            return reject("too few character classes for this token")
        return accepted

    return validate


_ANY_TOKEN = _token()


def _has_lower(value: str) -> bool:
    if value.isascii():
        return value != value.upper()  # one C pass, not a Python loop per character
    return any(c.islower() for c in value)


def _has_upper(value: str) -> bool:
    if value.isascii():
        return value != value.lower()
    return any(c.isupper() for c in value)


def base62_crc32_matches(token: str, prefix_len: int) -> bool:
    """GitHub's and npm's token checksum: the last 6 base62 characters encode the CRC32 of
    the random part (the characters between the prefix and the checksum)."""
    body, checksum = token[prefix_len:-6], token[-6:]
    number = 0
    for char in checksum:
        digit = _BASE62.find(char)
        if digit < 0:
            return False
        number = number * 62 + digit
    return number == zlib.crc32(body.encode("ascii", "replace"))


_CHECKSUM_MATCHES = accept("token shape and CRC32 checksum", 0.99)
_CHECKSUM_DIFFERS = accept("token shape (checksum does not match: an old or made-up token)", 0.75)


def _checksummed(prefix_len: int) -> Validator:
    def validate(value: str) -> Validation:
        reason = token_reason(value)
        if reason is not None:
            return reject(reason)
        if base62_crc32_matches(value, prefix_len):
            return _CHECKSUM_MATCHES
        return _CHECKSUM_DIFFERS

    return validate


_BASE32 = re.compile(r"[A-Z2-7]*")
_ACCESS_KEY_ID_BASE32 = accept("access key id", 0.95)
_ACCESS_KEY_ID = accept("access key id", 0.85)
_PRINCIPAL_ID = accept("unique id of an IAM principal", 0.7)


def _aws_key_id(value: str) -> Validation:
    reason = token_reason(value)
    if reason is not None:
        return reject(reason)
    if value[:4] in {"AKIA", "ASIA"}:
        base32 = _BASE32.fullmatch(value, 4) is not None
        return _ACCESS_KEY_ID_BASE32 if base32 else _ACCESS_KEY_ID
    return _PRINCIPAL_ID


_AWS_SECRET = accept("40 random base64 characters")


def _aws_secret(value: str) -> Validation:
    # the digest check first: it is the cheapest, and hex runs are most of what 40
    # base64-alphabet characters next to a key id turn out to be
    reason = digest_reason(value) or token_reason(value)
    if reason is not None:
        return reject(reason)
    has_other = _BASE64_OTHER.search(value) is not None
    if not (_has_lower(value) and _has_upper(value) and has_other):
        return reject("lacks the character mix of a random base64 key")
    if not entropy_at_least(value, 4.2):
        return reject("entropy too low for a random 40-character key")
    return _AWS_SECRET


def _base64_key(length: int) -> Validator:
    """A base64 key that must decode to ``length`` bytes (Azure account keys: 64)."""

    def validate(value: str) -> Validation:
        reason = token_reason(value)
        if reason is not None:
            return reject(reason)
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return reject("not valid base64")
        if len(decoded) != length:
            return reject(f"decodes to {len(decoded)} bytes, not {length}")
        return accept(f"base64 of {length} bytes")

    return validate


def _sas_signature(value: str) -> Validation:
    unquoted = value.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")
    unquoted = unquoted.replace("%2b", "+").replace("%2f", "/").replace("%3d", "=")
    return _base64_key(32)(unquoted)


_HEX_ID = accept("hex key id")


def _hex_id(value: str) -> Validation:
    reason = token_reason(value)
    if reason is not None:
        return reject(reason)
    return _HEX_ID


def _slack_webhook(value: str) -> Validation:
    parts = value.rstrip("/").split("/")
    secret, team = parts[-1], parts[-3] if len(parts) >= 3 else ""
    reason = placeholder_reason(secret) or placeholder_reason(team)
    if reason is not None:
        return reject(reason)
    return accept("webhook URL with a secret path")


_STRIPE_TEST = accept("Stripe test-mode key", 0.6)
_STRIPE_LIVE = accept("Stripe live-mode key")


def _stripe(value: str) -> Validation:
    reason = token_reason(value)
    if reason is not None:
        return reject(reason)
    if "_test_" in value:
        return _STRIPE_TEST
    return _STRIPE_LIVE


_OPENAI_MARKED = accept("OpenAI key with its T3BlbkFJ marker", 0.99)
_OPENAI_PREFIX = accept("OpenAI key prefix", 0.8)


def _openai(value: str) -> Validation:
    reason = token_reason(value)
    if reason is not None:
        return reject(reason)
    if "T3BlbkFJ" in value:
        return _OPENAI_MARKED
    if len(value) < 40:
        return reject("too short for an OpenAI key")
    return _OPENAI_PREFIX


_ANTHROPIC_FULL = accept("Anthropic key, full length", 0.99)
_ANTHROPIC_PREFIX = accept("Anthropic key prefix", 0.85)


def _anthropic(value: str) -> Validation:
    reason = token_reason(value)
    if reason is not None:
        return reject(reason)
    if len(value) >= 100 and value.endswith("AA"):
        return _ANTHROPIC_FULL
    return _ANTHROPIC_PREFIX


def _mixed_case_token(value: str) -> Validation:
    body = value.split("_", 1)[-1] if value.startswith("hf_") else value[8:]
    if digest_reason(body) is not None:
        return reject("the body is a hex digest")
    if not (_has_lower(body) and _has_upper(body)):
        return reject("random tokens mix upper and lower case")
    return _ANY_TOKEN(value)


def _b64url_json(part: str) -> object:
    if len(part) > _MAX_JWT_PART:
        return None
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError):
        return None


_JWT_SIGNED = accept("JSON header with alg and a JSON payload")


def _jwt(value: str) -> Validation:
    parts = value.split(".")
    if len(parts) != 3:
        return reject("not three dot-separated parts")
    header, payload, signature = parts
    if documented_example_reason(signature) is not None:
        return reject("the jwt.io example token")
    decoded = _JWT_HEADERS.get(header)
    if decoded is None:
        decoded = _b64url_json(header)
        if decoded is not None:  # only decodable headers, so never a key over _MAX_JWT_PART
            if len(_JWT_HEADERS) >= _MAX_JWT_HEADERS:
                _JWT_HEADERS.clear()
            _JWT_HEADERS[header] = decoded
    if not isinstance(decoded, dict) or not isinstance(decoded.get("alg"), str):
        return reject("header is not JSON with an 'alg'")
    if decoded["alg"].lower() == "none":
        return accept("unsigned token (alg none)", 0.5)
    if not signature:
        return accept("signed token without its signature", 0.5)
    if not isinstance(_b64url_json(payload), dict):
        return accept("JSON header, opaque payload", 0.7)
    return _JWT_SIGNED


def _private_key(value: str) -> Validation:
    body = value[-32:]
    if not value.endswith("-----"):
        lowered = body.lower()
        if "xxxx" in lowered or "example" in lowered or len(set(body)) <= 3:
            return reject("placeholder key body")
        return accept("PEM private-key header followed by base64")
    return accept("PEM private-key header alone", 0.6)


_CREDENTIAL = accept("credential-named key with a random-looking value")


def _credential(value: str) -> Validation:
    """A value found by its key name: it must pass every generic filter."""
    reason = non_secret_reason(value)
    if reason is not None:
        return reject(reason)
    return _CREDENTIAL


def _uri_password(value: str) -> Validation:
    reason = (
        documented_example_reason(value) or reference_reason(value) or placeholder_reason(value)
    )
    if reason is not None:
        return reject(reason)
    if re.fullmatch(r"%[sd]|%\([A-Za-z_]+\)s", value):
        return reject("a format placeholder")
    return accept("password in a URI")


# --- key names --------------------------------------------------------------------------

_KW_LOWER = (
    r"(?:password|passwd|passphrase|pass|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|auth|credentials?|client[_-]?secret|private[_-]?key)"
)
_KW_TITLE = (
    r"(?:Password|Passwd|Passphrase|Pass|Pwd|Secret|Token|Api[_-]?[Kk]ey|A[Pp][Ii][Kk]ey"
    r"|Access[_-]?[Kk]ey|Auth|Credentials?|Client[_-]?[Ss]ecret|Private[_-]?[Kk]ey)"
)
_KW_UPPER = (
    r"(?:PASSWORD|PASSWD|PASSPHRASE|PASS|PWD|SECRET|TOKEN|API[_-]?KEY|APIKEY|ACCESS[_-]?KEY"
    r"|AUTH|CREDENTIALS?|CLIENT[_-]?SECRET|PRIVATE[_-]?KEY)"
)
_KEY_NAME = (
    r"(?:(?:\b|[_.-])" + _KW_LOWER + "|" + _KW_TITLE + "|" + _KW_UPPER + ")"
    r"(?:[_.-][A-Za-z0-9_.-]*|[A-Z][A-Za-z0-9_]*)?"
)
"""The credential word of a key name and what follows it: ``db_password``, ``apiKey``,
``GH_TOKEN``. A lower-case word must start at a word or ``_``/``.``/``-`` boundary and a
suffix must start with a separator or a capital, so that ``tokenizer`` and ``compass`` are
not key names."""
_CLI_FLAG = (
    r"(?:password|passwd|pass|pwd|secret|token|api-key|apikey|access-key|auth-token"
    r"|client-secret|private-key)"
)

_NOT_A_SECRET_KEY = (
    r"(?i)\A(?![^\s=:(]*?(?:name|type|file|path|url|uri|ids?|length|len|size|count|max|min"  # noqa: S105
    r"|limit|hash|digest|header|prefix|policy|format|expiry|expires|expiration|ttl|timeout"
    r"|endpoint|arn|ref|version|label|kind|mode|method|pattern|regex|field|param|input|output"
    r"|sharing)s?\\?[\"']?\s*(?::=|=>|=|:|\())"
)
"""Key names that hold something about a credential, not the credential: ``secret_name``,
``token_type``, ``password_file``, ``api_key_header``. Python-only (used in ``extract``)."""
_SECRET_FIELDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "credential")
_KEY_FIELDS = ("access_key", "private_key", "credentials")


def _d(
    id_: str,
    data_class: str,
    pattern: str,
    confidence: float,
    description: str,
    validator: Validator,
    *,
    extract: str | None = None,
    ignore_case: bool = False,
    context: tuple[str, ...] = (),
    negative_context: tuple[str, ...] = (),
    near: tuple[str, ...] = (),
    near_chars: int = 400,
    field_names: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
) -> Detector:
    return Detector(
        id=id_,
        data_class=data_class,
        pattern=pattern,
        confidence=confidence,
        description=description,
        validator=validator,
        extract=_value(extract) if extract else None,
        ignore_case=ignore_case,
        context=context,
        negative_context=negative_context,
        near=near,
        near_chars=near_chars,
        field_names=field_names,
        references=references,
    )
