"""Detectors as data: a candidate pattern, a validator, context words, a confidence.

A :class:`Detector`'s ``pattern`` is written in the subset that Python ``re``, RE2 and
Hyperscan all accept: no look-around, no back-references, no groups that capture (use
``(?:...)``), no possessive or atomic groups; ``\\b``, classes, bounded repeats and
``(?i)`` are fine. The engine finds every candidate of every detector in one pass; only
then does the optional ``extract`` pattern (any Python regex, with a ``value`` group) pull the
sensitive part out of the candidate, and the ``validator`` decide on it (checksums, ranges,
placeholders). Context scoring is a separate step (:mod:`stackward.dspm.context`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from stackward.dspm.taxonomy import DATA_CLASSES


@dataclass(frozen=True, slots=True)
class Validation:
    """A validator's decision on one candidate value, with the reason in words."""

    valid: bool
    reason: str
    confidence: float | None = None
    """Replaces the detector's base confidence when set (a checksum that passes may be
    surer than the shape alone)."""


Validator = Callable[[str], Validation]


def accept(reason: str, confidence: float | None = None) -> Validation:
    return Validation(True, reason, confidence)


def reject(reason: str) -> Validation:
    return Validation(False, reason)


@dataclass(frozen=True, slots=True)
class Detector:
    id: str
    """Unique and stable, e.g. ``pii.payment_card``, ``secret.aws_access_key.id``."""
    data_class: str
    """A :mod:`stackward.dspm.taxonomy` id."""
    pattern: str
    """Candidate shape, in the common subset of ``re`` / RE2 / Hyperscan (see module doc)."""
    confidence: float
    """Confidence of a candidate that the validator accepts (0..1), before context."""
    description: str
    validator: Validator | None = None
    extract: re.Pattern[str] | None = None
    """Pulls the value (group ``value``) out of the candidate with ``search``; no match (or an
    empty value) drops the candidate. Default: the whole candidate is the value."""
    ignore_case: bool = False
    context: tuple[str, ...] = ()
    """Lower-case words that, near the candidate, make it more likely (``ssn``, ``iban``)."""
    negative_context: tuple[str, ...] = ()
    """Lower-case words that, near the candidate, make it less likely (``order``, ``price``)."""
    context_required: bool = False
    """Without a context word nearby the candidate is dropped (dates of birth, bare digits)."""
    near: tuple[str, ...] = ()
    """Ids of detectors one of which must also hit within ``near_chars`` of this candidate
    (an AWS secret key counts only near an AWS key id or a secret-key name)."""
    near_chars: int = 400
    field_names: tuple[str, ...] = ()
    """Lower-case fragments of column / field names that announce this class in structured
    data (``email``, ``ssn``, ``card_number``): the name prior of field classification."""
    references: tuple[str, ...] = field(default=())
    """Where the rule comes from (a specification, a vendor's documented token format)."""

    def __post_init__(self) -> None:
        if self.data_class not in DATA_CLASSES:
            raise ValueError(f"detector {self.id}: unknown data class {self.data_class!r}")
        if not 0.0 < self.confidence <= 1.0:
            raise ValueError(f"detector {self.id}: confidence must be in (0, 1]")


@dataclass(frozen=True, slots=True)
class Hit:
    """One confirmed occurrence in a text. ``value`` stays in memory: it is never written out
    (results keep a keyed hash and a redacted shape instead)."""

    detector: str
    data_class: str
    start: int
    end: int
    value: str
    confidence: float
    explanation: tuple[str, ...]
    """Each step that led here: the pattern, the validator's reason, context adjustments."""
