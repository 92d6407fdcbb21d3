"""Pure functions: does a response satisfy a matcher, and which version does it state."""

from __future__ import annotations

import re
from typing import Any

from packaging.version import InvalidVersion, Version

from stackward.fingerprint.http import Snapshot
from stackward.fingerprint.rules import Matcher, VersionProbe

_MISSING = object()
MAX_VERSION_CHARS = 64


def matches(matcher: Matcher, snapshot: Snapshot) -> bool:
    if snapshot.status not in matcher.status:
        return False
    for name, pattern in matcher.header_regex.items():
        if re.search(pattern, snapshot.headers.get(name, "")) is None:
            return False
    if matcher.body_regex is not None and re.search(matcher.body_regex, snapshot.text) is None:
        return False
    if not matcher.needs_json:
        return True
    if not snapshot.is_json():
        return False
    document = snapshot.json()
    if matcher.json_list and not isinstance(document, list):
        return False
    if any(json_value(document, path) is _MISSING for path in matcher.json_keys):
        return False
    return all(
        _same(json_value(document, path), expected)
        for path, expected in matcher.json_equals.items()
    )


def json_value(document: Any, dotted: str) -> Any:
    """The value at a dotted path (``info.version``); a sentinel when any step is missing."""
    current = document
    for step in dotted.split("."):
        if not isinstance(current, dict) or step not in current:
            return _MISSING
        current = current[step]
    return current


def _same(found: Any, expected: Any) -> bool:
    # JSON true must not equal 1: compare types as well as values
    return found is not _MISSING and type(found) is type(expected) and found == expected


def extract_version(probe: VersionProbe, snapshot: Snapshot) -> str | None:
    """The version text the probe names, cut to a sane length; ``None`` when absent."""
    if not matches(probe.match, snapshot):
        return None
    raw: Any = None
    if probe.json_path is not None and snapshot.is_json():
        raw = json_value(snapshot.json(), probe.json_path)
        if raw is _MISSING:
            raw = None
    if raw is None and probe.regex is not None:
        found = re.search(probe.regex, snapshot.text)
        raw = found.group(1) if found else None
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        return None
    text = str(raw).strip().lstrip("vV")
    return text[:MAX_VERSION_CHARS] or None


def parsed_version(text: str | None) -> Version | None:
    """A comparable version, or ``None`` for text PEP 440 cannot read (``dev``, a hash)."""
    if not text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None
