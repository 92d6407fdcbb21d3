"""Fingerprinting of self-hosted AI services with read-only HTTP requests described as data.

The package itself imports nothing heavy: the HTTP client is loaded when a name that needs it
is first used, so a scan that never probes (a model scan, the graph passes with probing off)
does not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stackward.fingerprint.advisories import Advisory, AdvisoryMatch, advisories_for
    from stackward.fingerprint.engine import (
        DEFAULT_CONCURRENCY,
        Exposure,
        FingerprintRun,
        ServiceFinding,
        fingerprint,
        fingerprint_sync,
    )
    from stackward.fingerprint.rules import (
        Rule,
        RuleError,
        builtin_rules,
        load_rules,
        parse_rule,
    )
    from stackward.fingerprint.targets import Target, TargetError, parse_target

_ADVISORIES = frozenset({"Advisory", "AdvisoryMatch", "advisories_for"})
_ENGINE = frozenset(
    {
        "DEFAULT_CONCURRENCY",
        "Exposure",
        "FingerprintRun",
        "ServiceFinding",
        "fingerprint",
        "fingerprint_sync",
    }
)
_RULES = frozenset({"Rule", "RuleError", "builtin_rules", "load_rules", "parse_rule"})
_TARGETS = frozenset({"Target", "TargetError", "parse_target"})

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


def __getattr__(name: str) -> Any:
    """Each name is imported from its module on first use (plain imports, nothing dynamic)."""
    home: Any
    if name in _ENGINE:
        from stackward.fingerprint import engine as home
    elif name in _ADVISORIES:
        from stackward.fingerprint import advisories as home
    elif name in _RULES:
        from stackward.fingerprint import rules as home
    elif name in _TARGETS:
        from stackward.fingerprint import targets as home
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(home, name)
    globals()[name] = value
    return value
