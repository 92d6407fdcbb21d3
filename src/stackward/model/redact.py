"""Redaction of secrets in evidence. Evidence never carries a whole secret."""

from __future__ import annotations

import re

_KEY_VALUE = re.compile(
    r"(?i)(?P<key>[\w.-]*(?:pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key|"
    r"private[_-]?key|credential|auth)[\w.-]*)(?P<sep>\s*[:=]\s*[\"']?)(?P<value>[^\s\"',}]+)"
)


_MASK = "*" * 8


def redact_value(value: str, keep: int = 4) -> str:
    """Show at most ``keep`` leading characters of a secret (none of a short one)."""
    if len(value) <= keep * 3:
        return _MASK
    return value[:keep] + _MASK + f"({len(value)} chars)"


def _redact_match(match: re.Match[str]) -> str:
    value = match.group("value")
    if _MASK in value:  # already redacted: redacting again would garble it
        return match.group(0)
    return f"{match.group('key')}{match.group('sep')}{redact_value(value)}"


def redact_text(text: str, max_len: int = 200) -> str:
    """Redact ``key: value`` / ``key=value`` secrets in free text and cut it to ``max_len``."""
    redacted = _KEY_VALUE.sub(_redact_match, text)
    return redacted if len(redacted) <= max_len else redacted[: max_len - 1] + "…"
