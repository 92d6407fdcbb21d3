"""Event times from the record, always as aware UTC datetimes, or a :class:`ParseError`.

JSON formats carry ISO-8601 strings (``eventTime``, ``requestReceivedTimestamp``) or Unix
epochs (LiteLLM's ``startTime``); access logs carry Common Log Format stamps with an offset
(``[26/Nov/2026:15:43:17 +0000]``) or a local wall-clock time without one, which is placed
in the zone the parser was given (UTC unless configured).
"""

from __future__ import annotations

import datetime as dt

from stackward.detect.interfaces import ParseError

UTC = dt.UTC
_fromisoformat = dt.datetime.fromisoformat
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_EPOCH_MS_ABOVE = 100_000_000_000
"""An epoch number above this is milliseconds (seconds would be the year 5138)."""


def iso_time(value: object, field: str) -> dt.datetime:
    """An ISO-8601 string as UTC; a string without an offset is taken as UTC."""
    if type(value) is not str:
        raise ParseError(f"{field}: expected an ISO-8601 time string, got {_type(value)}")
    try:
        parsed = _fromisoformat(value)
    except ValueError:
        raise ParseError(f"{field}: not an ISO-8601 time: {value[:40]!r}") from None
    zone = parsed.tzinfo
    if zone is UTC:
        return parsed
    if zone is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def epoch_or_iso_time(value: object, field: str) -> dt.datetime:
    """A Unix epoch (seconds, or milliseconds when that large) or an ISO-8601 string."""
    if isinstance(value, bool):
        raise ParseError(f"{field}: expected a time, got a boolean")
    if isinstance(value, int | float):
        seconds = value / 1000 if value > _EPOCH_MS_ABOVE else value
        try:
            return dt.datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise ParseError(f"{field}: epoch {value!r} is out of range") from None
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        return epoch_or_iso_time(float(value), field)
    return iso_time(value, field)


def clf_time(text: str, field: str = "time") -> dt.datetime:
    """A Common Log Format stamp ``26/Nov/2026:15:43:17 +0000`` (brackets stripped) as UTC."""
    try:
        day, month, rest = text.split("/", 2)
        year, hour, minute, second_zone = rest.split(":", 3)
        second, zone = second_zone.split(" ", 1)
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
        stamp = dt.datetime(
            int(year),
            _MONTHS[month],
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=dt.timezone(-offset if zone[0] == "-" else offset),
        )
    except (ValueError, KeyError, IndexError):
        raise ParseError(f"{field}: not a Common Log Format time: {text[:40]!r}") from None
    return stamp.astimezone(UTC)


def local_time(text: str, zone: dt.tzinfo, field: str = "time") -> dt.datetime:
    """A wall-clock ``2026-11-26 15:43:18.935`` (``/`` or ``-`` between date parts, ``,`` or
    ``.`` before the fraction) in ``zone``, as UTC."""
    normal = text.replace("/", "-").replace(",", ".")
    try:
        parsed = dt.datetime.fromisoformat(normal)
    except ValueError:
        raise ParseError(f"{field}: not a time: {text[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _type(value: object) -> str:
    return "null" if value is None else type(value).__name__
