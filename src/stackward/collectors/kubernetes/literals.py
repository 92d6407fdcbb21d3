"""Recognises secret-looking literal values so they are stored only in redacted form.

The collector never keeps a credential it reads from a manifest: a literal environment
value, argument or ConfigMap entry that looks like a secret (by its name or by its shape)
is replaced by :func:`stackward.model.redact.redact_value` and flagged, so checks can report
it without ever holding it.
"""

from __future__ import annotations

import re

from stackward.model.redact import redact_text, redact_value

_SECRET_NAME = re.compile(
    r"(?i)(pass(word|wd|phrase)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|"
    r"credential|auth[_-]?key|signing[_-]?key|encryption[_-]?key|\bdsn\b|connection[_-]?string)"
)
_REFERENCE_NAME = re.compile(
    r"(?i)_(file|path|dir|url|uri|endpoint|host|port|ttl|timeout|expiry|expiration|length|"
    r"size|type|mode|enabled|header|name|id|secret_name|ref|key_ref)$"
)
SECRET_VALUE = re.compile(
    r"(sk-(proj-|ant-)?[A-Za-z0-9_-]{16,}|hf_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|"
    r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}|glpat-[A-Za-z0-9_-]{20,}|"
    r"xox[abpr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@)"
)
"""Credential formats: OpenAI/Anthropic, Hugging Face, AWS, GitHub, GitLab, Slack, Google,
JWT, PEM private keys and URLs with an embedded password."""

_NOT_A_VALUE = re.compile(
    r"^(\$\(.*\)|\$\{.*\}|/.*|true|false|yes|no|on|off|none|null|-?\d+(\.\d+)?[a-z]*)$", re.I
)
MAX_PLAIN_VALUE = 512


def looks_like_secret(name: str, value: str) -> bool:
    """A literal that should have come from a Secret: a credential format, or a secret name
    with a value that is not a reference, path, flag or number."""
    if not value:
        return False
    if SECRET_VALUE.search(value):
        return True
    if not _SECRET_NAME.search(name) or _REFERENCE_NAME.search(name):
        return False
    return len(value) >= 6 and not _NOT_A_VALUE.match(value.strip())


def stored_value(name: str, value: str) -> tuple[str, bool]:
    """The form of a literal that may be kept, and whether it looked like a secret."""
    if looks_like_secret(name, value):
        return redact_value(value), True
    return redact_text(value, max_len=MAX_PLAIN_VALUE), False


def redact_tokens(tokens: list[str]) -> list[str]:
    """Command and args with secrets removed: ``--api-key VALUE``, ``--token=VALUE``, keys."""
    out: list[str] = []
    previous = ""
    for token in tokens:
        if (
            previous.startswith("-")
            and "=" not in previous
            and _SECRET_NAME.search(previous)
            and not token.startswith("-")
        ):
            out.append(redact_value(token))
        else:
            text = SECRET_VALUE.sub(lambda m: redact_value(m.group(0)), token)
            out.append(redact_text(text, max_len=MAX_PLAIN_VALUE))
        previous = token
    return out
