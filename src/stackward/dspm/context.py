"""Context scoring: words near a candidate make it more or less likely, as a separate step.

Runs only on candidates a validator accepted, so its cost is per hit, not per byte. Words
match on word boundaries in a window around the candidate (``ssn`` near ``123-45-6789``
raises it; ``order`` near a 10-digit number lowers it). In structured data the field name
is the context. A detector without context words needs no window at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stackward.dspm.detector import Detector

BEFORE_CHARS = 80
AFTER_CHARS = 40
CONTEXT_BOOST = 0.15
NEGATIVE_FACTOR = 0.5
MAX_CONFIDENCE = 0.999


@dataclass(frozen=True, slots=True)
class Scored:
    confidence: float | None
    """``None``: dropped (a detector that requires context found none)."""
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    """A detector's context words, compiled once."""

    positive: re.Pattern[str] | None
    negative: re.Pattern[str] | None
    required: bool

    @property
    def wants_window(self) -> bool:
        return self.positive is not None or self.negative is not None


_RULES: dict[int, tuple[Detector, Rules]] = {}


def rules(detector: Detector) -> Rules:
    """The compiled rules of ``detector``, kept per detector object (hashing a detector is
    slow, and this runs once per candidate)."""
    found = _RULES.get(id(detector))
    if found is not None and found[0] is detector:
        return found[1]
    compiled = Rules(
        _words(detector.context), _words(detector.negative_context), detector.context_required
    )
    _RULES[id(detector)] = (detector, compiled)
    return compiled


def _words(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    # a word, not part of one, nor a label of a host name ("corp" in "acme-corp.com")
    return re.compile(rf"(?<![a-z0-9@])(?:{alternatives})(?![a-z0-9]|\.[a-z])")


def window(text: str, start: int, end: int) -> str:
    """The lower-cased text around ``[start, end)`` on the candidate's own line, with the
    candidate itself blanked out. Lines bound it: in tickets, logs, code and table dumps the
    words of the line before belong to something else ("invoice" above a card number)."""
    floor = start - BEFORE_CHARS if start > BEFORE_CHARS else 0
    line_start = text.rfind("\n", floor, start) + 1
    before = text[line_start if line_start > floor else floor : start]
    if end > start and text[end - 1] == "\n":
        after = ""  # the candidate took its line's end with it: what follows is another line
    else:
        line_end = text.find("\n", end, end + AFTER_CHARS)
        after = text[end : line_end if line_end >= 0 else end + AFTER_CHARS]
    first = text[line_start : line_start + 1]
    if first == " " or first.isdecimal():  # else not a table row: spare the regex
        header = table_header(text, line_start, start, end)
        if header:
            return f"{header} {before} \0 {after}".lower()
    return f"{before} \0 {after}".lower()


_TABLE_ROW = re.compile(r" *\d+  +\S")  # pandas: the index, two or more spaces, a value
"""A row starts with a space or a decimal digit (``\\d`` is Unicode category Nd, as is
``str.isdecimal``): ``window`` checks that first character before it runs this."""
TABLE_ROWS_UP = 60


def table_header(text: str, line_start: int, start: int, end: int) -> str:
    """The column header over ``[start, end)`` when its line is a row of a printed table
    (``df.head()`` in a notebook: an index number, then aligned columns): the header line is
    the first line above that is not such a row, and its word over the candidate's columns
    names the value as a field name does in structured data."""
    if not _TABLE_ROW.match(text, line_start, end):
        return ""
    column_start, column_end = start - line_start, end - line_start
    above = line_start - 1
    for _ in range(TABLE_ROWS_UP):
        if above <= 0:
            return ""
        previous = text.rfind("\n", 0, above) + 1
        if not _TABLE_ROW.match(text, previous, above):
            return _word_over(text[previous:above], column_start, column_end)
        above = previous - 1
    return ""


def _word_over(header: str, column_start: int, column_end: int) -> str:
    for match in _HEADER_WORD.finditer(header):
        if match.start() < column_end and column_start < match.end() + 2:
            return match.group(0)
    return ""


_HEADER_WORD = re.compile(r"\S+")


def has_context(detector: Detector, around: str) -> bool:
    pattern = rules(detector).positive
    return pattern is not None and pattern.search(around) is not None


def score(detector: Detector, base: float, around: str) -> Scored:
    """Adjust ``base`` by the detector's context words found in ``around`` (lower case)."""
    compiled = rules(detector)
    found = compiled.positive.search(around) if compiled.positive is not None else None
    return adjust(compiled, base, around, found)


def adjust(compiled: Rules, base: float, around: str, found: re.Match[str] | None) -> Scored:
    """``score`` for a caller that has already searched the positive words (``found``)."""
    against = compiled.negative.search(around) if compiled.negative is not None else None
    if compiled.required and found is None:
        return Scored(None, ("no context word nearby, and this detector requires one",))
    if found is None and against is None:
        return Scored(round(base, 4), ())
    return Scored(*adjusted(base, found, against))


def adjusted(
    base: float, found: re.Match[str] | None, against: re.Match[str] | None
) -> tuple[float, tuple[str, ...]]:
    """The confidence and reasons when a context word (``found``) or a negative one
    (``against``) is near; shared with the free-text loop, which skips ``Scored``."""
    confidence = base
    reasons: list[str] = []
    if found is not None:
        confidence = min(MAX_CONFIDENCE, confidence + CONTEXT_BOOST)
        reasons.append(f"context word {found.group(0)!r} nearby")
    if against is not None:
        confidence *= NEGATIVE_FACTOR
        reasons.append(f"negative context word {against.group(0)!r} nearby")
    return round(confidence, 4), tuple(reasons)
