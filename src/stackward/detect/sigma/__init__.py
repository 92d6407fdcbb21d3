"""Sigma rules evaluated on a stream of events: loading, compiled matching, correlations."""

from __future__ import annotations

from stackward.detect.sigma.detector import SigmaDetector
from stackward.detect.sigma.loading import MAX_RULE_FILE_BYTES, builtin_rules_dir, load_rules
from stackward.detect.sigma.rules import CompiledRule, CorrelationSpec, RuleInfo, RuleSet

__all__ = [
    "MAX_RULE_FILE_BYTES",
    "CompiledRule",
    "CorrelationSpec",
    "RuleInfo",
    "RuleSet",
    "SigmaDetector",
    "builtin_rules_dir",
    "load_rules",
]
