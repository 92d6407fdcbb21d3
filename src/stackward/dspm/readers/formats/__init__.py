"""Format readers: each turns one item's bytes into :class:`ItemContent` without raising.

A format reader is handed what the dispatcher in :mod:`stackward.dspm.readers.content`
already knows (the source, the item's location, the limits) and reports bad input as
problem strings that name the item, so one broken file never stops a scan.
"""

from __future__ import annotations

from stackward.dspm.records import Location


def problem(location: Location, message: str) -> str:
    """A problem line for ``location``'s item: ``data/users.csv: line 7: unexpected end``."""
    return f"{location.item}: {message}"


def size_text(size: int) -> str:
    """A human size (``16 MiB``, ``2.1 GB``) for sampling descriptions."""
    if size < 1024:
        return f"{size} B"
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} B"  # pragma: no cover - unreachable
