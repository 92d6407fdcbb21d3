"""Reading the ``usage`` and ``usage_window`` properties back, tolerant of malformed values.

Checks read what the usage pass wrote; a property of the wrong shape (an older store, a
plugin) reads as absent rather than raising.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from stackward.model import Asset

READ_PRIVILEGES = frozenset({"SELECT", "get", "list", "watch"})
WRITE_PRIVILEGES = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "create", "update"})


def usage_window(asset: Asset) -> Mapping[str, Any] | None:
    window = asset.prop("usage_window")
    if not isinstance(window, Mapping) or not isinstance(window.get("start"), str):
        return None
    return window


def usage_entries(asset: Asset) -> list[Mapping[str, Any]]:
    entries = asset.prop("usage")
    if not isinstance(entries, list | tuple):
        return []
    return [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("principal"), str)]


def parse_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def edge_access(properties: Mapping[str, Any]) -> set[str]:
    """The normalised ``access`` of a CAN_ACCESS edge; derived from ``privileges`` when an
    older collector did not write it."""
    access = properties.get("access")
    if isinstance(access, list | tuple):
        return {str(a) for a in access}
    derived: set[str] = set()
    for privilege in properties.get("privileges") or ():
        text = str(privilege)
        verb = text.split(" ", 1)[0].removeprefix("s3:")
        if text in READ_PRIVILEGES or verb in READ_PRIVILEGES or verb.startswith(("Get", "List")):
            derived.add("read")
        if (
            text in WRITE_PRIVILEGES
            or verb in WRITE_PRIVILEGES
            or verb.startswith(("Put", "Delete"))
        ):
            derived.add("write")
    return derived
