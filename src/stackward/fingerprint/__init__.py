"""Fingerprinting of self-hosted AI services with read-only HTTP requests described as data."""

from __future__ import annotations

from stackward.fingerprint.advisories import Advisory, AdvisoryMatch, advisories_for
from stackward.fingerprint.engine import (
    DEFAULT_CONCURRENCY,
    Exposure,
    FingerprintRun,
    ServiceFinding,
    fingerprint,
    fingerprint_sync,
)
from stackward.fingerprint.rules import Rule, RuleError, builtin_rules, load_rules, parse_rule
from stackward.fingerprint.targets import Target, TargetError, parse_target

__all__ = [
    "DEFAULT_CONCURRENCY",
    "Advisory",
    "AdvisoryMatch",
    "Exposure",
    "FingerprintRun",
    "Rule",
    "RuleError",
    "ServiceFinding",
    "Target",
    "TargetError",
    "advisories_for",
    "builtin_rules",
    "fingerprint",
    "fingerprint_sync",
    "load_rules",
    "parse_rule",
    "parse_target",
]
