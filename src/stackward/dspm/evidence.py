"""What may leave memory about a found value: a keyed fingerprint and a masked shape.

The fingerprint is an HMAC-SHA256 under a key kept beside the store (``dspm.key``, created
once, readable by its owner only), so the same value found in two places correlates across
scans without the value ever being written; without a store the key lives for one run.
The shape keeps punctuation and says where digits and letters were (``9999-9999-9999-9999``),
or, for secrets, the first four characters (vendor prefixes such as ``AKIA``) and the length.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets as random_source
from pathlib import Path

from stackward.model.redact import redact_value

KEY_BYTES = 32
FINGERPRINT_HEX = 16
SHAPE_CHARS = 40


class Fingerprinter:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("fingerprint key too short")
        self._key = key
        # keyed once: a copy per value skips the key set-up, about half the cost of a
        # one-shot ``hmac.digest``, and this runs once per occurrence
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    @classmethod
    def ephemeral(cls) -> Fingerprinter:
        return cls(random_source.token_bytes(KEY_BYTES))

    @classmethod
    def from_file(cls, path: Path) -> Fingerprinter:
        """The key at ``path``, created (mode 0600) on first use."""
        return cls(key_from_file(path))

    def __call__(self, value: str) -> str:
        mac = self._keyed.copy()
        mac.update(value.encode("utf-8", "surrogatepass"))
        return mac.digest()[: FINGERPRINT_HEX // 2].hex()


def key_from_file(path: Path) -> bytes:
    """The fingerprint key at ``path``, created (mode 0600) on first use."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = random_source.token_bytes(KEY_BYTES)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        return key


_ASCII_SHAPE = str.maketrans(
    {
        **{chr(c): "9" for c in range(ord("0"), ord("9") + 1)},
        **{chr(c): "X" for c in range(ord("A"), ord("Z") + 1)},
        **{chr(c): "x" for c in range(ord("a"), ord("z") + 1)},
    }
)


def pii_shape(value: str) -> str:
    """Digits → ``9``, letters → ``x``/``X``, everything else kept; cut to 40 characters."""
    head = value[:SHAPE_CHARS]
    if head.isascii():
        shape = head.translate(_ASCII_SHAPE)
    else:
        shape = "".join(_shape_of(char) for char in head)
    return shape + ("…" if len(value) > SHAPE_CHARS else "")


def _shape_of(char: str) -> str:
    if char.isdigit():
        return "9"
    if char.isalpha():
        return "X" if char.isupper() else "x"
    return char


def secret_shape(value: str) -> str:
    return redact_value(value)
