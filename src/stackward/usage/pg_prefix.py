"""A regular expression for PostgreSQL stderr log lines, built from ``log_line_prefix``.

Each ``%`` escape of the prefix becomes a pattern for what the server writes there
(documented in "Error Reporting and Logging"); ``%q`` makes the rest of the prefix optional,
as the server omits it for processes without a session. The message follows the prefix as
``SEVERITY:  text``.
"""

from __future__ import annotations

import re

DEFAULT_PREFIX = "%m [%p] %q%u@%d "

_TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z0-9+:-]+)?"
_ESCAPES: dict[str, tuple[str, str]] = {
    # escape: (group name or "", pattern)
    "a": ("", r".*?"),
    "u": ("user", r".*?"),
    "d": ("database", r".*?"),
    "r": ("", r"\S*?"),
    "h": ("", r"\S*?"),
    "b": ("", r".*?"),
    "p": ("pid", r"\d+"),
    "P": ("", r"\d*"),
    "t": ("time", _TIME),
    "m": ("time", _TIME),
    "n": ("epoch", r"\d+(?:\.\d+)?"),
    "i": ("", r".*?"),
    "e": ("", r"[0-9A-Z]{5}"),
    "c": ("", r"[0-9a-f]+\.[0-9a-f]+"),
    "l": ("", r"\d+"),
    "s": ("", _TIME),
    "v": ("", r"\S*?"),
    "x": ("", r"\d+"),
    "Q": ("", r"-?\d+"),
}
SEVERITIES = (
    "LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG[1-5]?|DETAIL|HINT|CONTEXT|STATEMENT|"
    "QUERY|LOCATION"
)


class PrefixError(ValueError):
    """The prefix cannot identify who ran a statement (no ``%u``/``%d``) or is malformed."""


def line_pattern(prefix: str) -> re.Pattern[str]:
    """The pattern of one log line's first line for ``prefix``, with groups ``time``/``epoch``,
    ``pid``, ``user``, ``database``, ``severity`` and ``message``."""
    parts: list[str] = []
    used: set[str] = set()
    optional_from: int | None = None
    index = 0
    while index < len(prefix):
        char = prefix[index]
        if char != "%":
            parts.append(re.escape(char))
            index += 1
            continue
        if index + 1 >= len(prefix):
            raise PrefixError("log_line_prefix ends with a lone %")
        escape = prefix[index + 1]
        index += 2
        if escape == "%":
            parts.append("%")
        elif escape == "q":
            optional_from = len(parts)
        elif escape.isdigit() or escape == "-":
            raise PrefixError("padded escapes (%-10u) are not supported")
        elif escape in _ESCAPES:
            name, pattern = _ESCAPES[escape]
            if name and name not in used:
                used.add(name)
                parts.append(f"(?P<{name}>{pattern})")
            else:
                parts.append(f"(?:{pattern})")
        else:
            raise PrefixError(f"unknown escape %{escape} in log_line_prefix")
    if not {"user", "database"} <= used:
        raise PrefixError("log_line_prefix must hold %u and %d to tell who read what")
    if optional_from is not None:
        parts[optional_from:] = ["(?:" + "".join(parts[optional_from:]) + ")?"]
    body = "".join(parts)
    return re.compile(rf"^{body}(?P<severity>{SEVERITIES}):  (?P<message>.*)$", re.DOTALL)
