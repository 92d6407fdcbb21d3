"""Finds hard-coded secrets in text and returns them already redacted.

The scanner never keeps a whole secret: a hit carries the detector name, the line number
and the line with the secret replaced by :func:`stackward.model.redact.redact_value`.
Generic detectors are filtered so that placeholders (``changeme``, ``<your-key>``),
references to the environment (``os.environ[...]``, ``${VAR}``) and low-entropy words do
not become findings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from stackward.collectors.files.secret_patterns import DETECTORS, SecretDetector
from stackward.model.redact import redact_text, redact_value

MIN_GENERIC_ENTROPY = 2.5
"""Bits per character below which a generic value reads as a word, not a secret."""

_PLACEHOLDER_WORDS = (
    "changeme",
    "change_me",
    "change-me",
    "example",
    "placeholder",
    "your",
    "xxxx",
    "****",
    "redacted",
    "dummy",
    "sample",
    "notasecret",
    "todo",
    "fixme",
    "replace",
    "insert",
    "secret_here",
    "password_here",
)
_REFERENCE_MARKERS = ("environ", "getenv", "${", "{{", "$(", "%(", "<", ">", "(", ")", "[", "]")
_HASHED_PASSWORD = re.compile(r"^(?:argon2|sha1|sha256|sha512|pbkdf2|bcrypt)[:$]", re.IGNORECASE)
MAX_HITS = 200
"""A file with more secrets than this is reported with the first ones; the rest add nothing."""
_MAX_LINE_CHARS = 1024 * 1024
"""Lines longer than this (minified code, embedded blobs) are scanned only in their head."""


@dataclass(frozen=True, slots=True)
class SecretHit:
    detector: str
    line: int
    snippet: str
    """The matched line, secret redacted, cut to a readable length."""

    def as_property(self) -> dict[str, object]:
        return {"detector": self.detector, "line": self.line, "snippet": self.snippet}


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def looks_like_placeholder(value: str) -> bool:
    """True for values that are obviously not real secrets."""
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    if any(marker in value for marker in _REFERENCE_MARKERS):
        return True
    if _HASHED_PASSWORD.match(value):
        return True
    return len(set(value)) <= 2


def _accepts(detector: SecretDetector, value: str) -> bool:
    if "example" in value.lower():
        return False
    if not detector.generic:
        return True
    return not looks_like_placeholder(value) and shannon_entropy(value) >= MIN_GENERIC_ENTROPY


def _scan_line(line: str, number: int) -> list[SecretHit]:
    hits: list[SecretHit] = []
    claimed: list[tuple[int, int]] = []
    for detector in DETECTORS:
        for match in detector.pattern.finditer(line):
            start, end = match.span("secret")
            if any(start < c_end and c_start < end for c_start, c_end in claimed):
                continue
            value = match.group("secret")
            if not _accepts(detector, value):
                continue
            claimed.append((start, end))
            hits.append(SecretHit(detector.name, number, _redacted_line(line, claimed)))
    if len(hits) > 1:
        snippet = _redacted_line(line, claimed)
        hits = [SecretHit(h.detector, h.line, snippet) for h in hits]
    return hits


def snippet_window(line: str, at: int, before: int = 60, after: int = 200) -> str:
    """The part of a (possibly huge, minified) line around ``at``, for evidence.

    Cutting first keeps redaction linear: free-text redaction is not run over megabytes.
    """
    start = max(0, at - before)
    text = line[start : at + after].strip()
    return ("…" if start else "") + text


def _redacted_line(line: str, spans: list[tuple[int, int]]) -> str:
    out = line
    for start, end in sorted(spans, reverse=True):
        out = out[:start] + redact_value(line[start:end]) + out[end:]
    first = min(start for start, _ in spans) if spans else 0
    return redact_text(snippet_window(out, first), max_len=160)


def scan_text(text: str, first_line: int = 1) -> list[SecretHit]:
    """The secrets in ``text`` (at most ``MAX_HITS``); line numbers start at ``first_line``."""
    hits: list[SecretHit] = []
    for offset, line in enumerate(text.splitlines()):
        hits.extend(_scan_line(line[:_MAX_LINE_CHARS], first_line + offset))
        if len(hits) >= MAX_HITS:
            return hits[:MAX_HITS]
    return hits
