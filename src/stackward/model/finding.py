"""Findings: what a check concluded about one asset, with evidence and references."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import IntEnum

from stackward.model.asset import Layer
from stackward.model.refs import ControlRef


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where the problem was seen. ``snippet`` must already be redacted."""

    location: str
    snippet: str = ""
    line: int | None = None
    key: str = ""
    """Distinguishes several findings of one rule on one asset (a container name, a port)."""


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    asset_id: str
    layer: Layer
    severity: Severity
    title: str
    evidence: Evidence
    remediation: str
    refs: tuple[ControlRef, ...]
    risk_score: float = 0.0
    attack_path_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fingerprint(self) -> str:
        """Same rule, same asset, same evidence key: the same finding across scans."""
        raw = "\x1f".join((self.rule_id, self.asset_id, self.evidence.key))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]
