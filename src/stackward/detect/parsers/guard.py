"""The last line of defence: whatever a parser trips over becomes a :class:`ParseError`.

Parsers check types as they read, so this is rarely reached; it keeps the promise that a
hostile record never escapes as another exception type (and never quotes the record).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from stackward.detect.event import Event
from stackward.detect.interfaces import ParseError

_EXPECTED = (
    TypeError,
    ValueError,
    KeyError,
    IndexError,
    AttributeError,
    RecursionError,
    OverflowError,
    UnicodeError,
    MemoryError,
    EOFError,
    zlib.error,
)


EXPECTED = (ParseError, *_EXPECTED)
"""What :func:`as_parse_error` converts; catch these around a parser's eager work."""


def guarded(name: str, events: Iterator[Event]) -> Iterator[Event]:
    """``events``, with any exception other than ParseError turned into one naming ``name``."""
    try:
        yield from events
    except EXPECTED as exc:
        raise as_parse_error(name, exc) from None


def as_parse_error(name: str, exc: BaseException) -> ParseError:
    """``exc`` as a ParseError whose message starts with the parser's ``name``; an unexpected
    exception type is named, its text (which may quote the record) is not."""
    if isinstance(exc, ParseError):
        text = str(exc)
        return exc if text.startswith(f"{name}: ") else ParseError(f"{name}: {text}")
    return ParseError(f"{name}: record not usable ({type(exc).__name__})")
