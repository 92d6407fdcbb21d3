"""Model-extraction detection per API key: rate, tokens, prompt templates, probability
harvesting and a PRADA-style distance-distribution test, combined into SW-DET-201."""

from stackward.detect.extraction.detector import RULE_ID, ExtractionDetector, group_of, redact_key
from stackward.detect.extraction.signals import SIGNALS, Judgement, Signal, combine, judge
from stackward.detect.extraction.thresholds import ExtractionThresholds

__all__ = [
    "RULE_ID",
    "SIGNALS",
    "ExtractionDetector",
    "ExtractionThresholds",
    "Judgement",
    "Signal",
    "combine",
    "group_of",
    "judge",
    "redact_key",
]
