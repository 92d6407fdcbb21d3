"""Redaction of secrets in evidence. Evidence never carries a whole secret."""

from __future__ import annotations

import re

_KEY_VALUE = re.compile(
    r"(?i)(?P<key>[\w.-]*(?:pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key|"
    r"private[_-]?key|credential|auth)[\w.-]*)(?P<sep>\s*[:=]\s*[\"']?)(?P<value>[^\s\"',}]+)"
)


def redact_value(value: str, keep: int = 4) -> str:
    """Show at most ``keep`` leading characters of a secret (none of a short one)."""
    if len(value) <= keep * 3:
        return "*" * 8
    return value[:keep] + "*" * 8 + f"({len(value)} chars)"


def redact_text(text: str, max_len: int = 200) -> str:
    """Redact ``key: value`` / ``key=value`` secrets in free text and cut it to ``max_len``."""
    redacted = _KEY_VALUE.sub(
        lambda m: f"{m.group('key')}{m.group('sep')}{redact_value(m.group('value'))}", text
    )
    return redacted if len(redacted) <= max_len else redacted[: max_len - 1] + "…"
