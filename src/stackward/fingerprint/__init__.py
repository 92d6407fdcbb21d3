"""Fingerprinting of self-hosted AI services with read-only HTTP requests described as data.

The package itself imports nothing heavy: the HTTP client is loaded when a name that needs it
is first used, so a scan that never probes (a model scan, the graph passes with probing off)
does not pay for it.
"""

from __future__ import annotations

import importlib
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

_HOMES = {
    "Advisory": "advisories",
    "AdvisoryMatch": "advisories",
    "advisories_for": "advisories",
    "DEFAULT_CONCURRENCY": "engine",
    "Exposure": "engine",
    "FingerprintRun": "engine",
    "ServiceFinding": "engine",
    "fingerprint": "engine",
    "fingerprint_sync": "engine",
    "Rule": "rules",
    "RuleError": "rules",
    "builtin_rules": "rules",
    "load_rules": "rules",
    "parse_rule": "rules",
    "Target": "targets",
    "TargetError": "targets",
    "parse_target": "targets",
}

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
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
