"""Compiled Sigma rules: what the loader produces and the detector runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from stackward.detect.event import LogSource
from stackward.detect.sigma.conditions import Discriminator, Predicate
from stackward.model import ControlRef, Severity


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What an alert says about the rule that raised it."""

    key: str
    """``stackward_id`` when the rule has one, else its Sigma id: the alert's ``rule_id``."""
    sigma_id: str
    name: str
    title: str
    description: str
    severity: Severity
    refs: tuple[ControlRef, ...]
    tags: tuple[str, ...]
    source: str
    """The file the rule came from."""


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A single-event rule, compiled once into :attr:`match`."""

    info: RuleInfo
    logsource: LogSource
    match: Predicate
    discriminators: tuple[Discriminator, ...]
    """Fields the rule requires to equal one of a few values (for the detector's index)."""
    residual_matches: tuple[Predicate, ...]
    """For each discriminator, :attr:`match` without the test the index has already made
    when it finds the rule through that discriminator."""
    fields: tuple[str, ...]
    """Fields the rule reads; the first few are excerpted (redacted) into alerts."""
    alerts: bool = True
    """False when every correlation using the rule has ``generate: false``."""


@dataclass(frozen=True, slots=True)
class CorrelationSpec:
    """A Sigma correlation rule over base rules of the same rule set."""

    info: RuleInfo
    kind: str
    """``event_count``, ``value_count``, ``temporal`` or ``temporal_ordered``."""
    rules: tuple[str, ...]
    """Keys of the base rules, in the order the rule lists them."""
    group_by: tuple[str, ...]
    timespan: float
    """Window length in seconds of event time."""
    op: str
    """``gt``, ``gte``, ``lt``, ``lte``, ``eq`` or ``neq``."""
    threshold: float
    value_field: str = ""
    """The field whose distinct values ``value_count`` counts."""
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Group-by alias -> base rule key -> the field holding the value in that rule's events."""

    def holds(self, amount: float) -> bool:
        """Whether ``amount`` (a count) satisfies the rule's condition."""
        threshold = self.threshold
        return {
            "gt": amount > threshold,
            "gte": amount >= threshold,
            "lt": amount < threshold,
            "lte": amount <= threshold,
            "eq": amount == threshold,
            "neq": amount != threshold,
        }[self.op]


@dataclass(slots=True)
class RuleSet:
    """The loaded rules and every problem met while loading them.

    ``rules`` are single-event rules (including the base rules of correlations, which raise
    alerts themselves only when a correlation using them says ``generate: true``);
    ``correlations`` the correlation rules; ``problems`` one line per file or rule that could
    not be used, naming the file and the reason.
    """

    rules: list[CompiledRule] = field(default_factory=list)
    correlations: list[CorrelationSpec] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def ids(self) -> list[str]:
        return [r.info.key for r in self.rules] + [c.info.key for c in self.correlations]
