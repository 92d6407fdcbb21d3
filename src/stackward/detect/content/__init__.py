"""Content detectors: what prompts and responses say, when a gateway log keeps them.

- :class:`PromptInjectionDetector`: curated patterns plus a shipped linear classifier on the
  ``prompt`` annotation (SW-DET-101 prompt injection, SW-DET-102 jailbreak).
- :class:`LeakageDetector`: the ``response`` annotation against the system prompt and
  canaries (SW-DET-111) and the data classifiers (SW-DET-112).
"""

from __future__ import annotations

from stackward.detect.content.injection import PromptInjectionDetector
from stackward.detect.content.leakage import LeakageDetector

__all__ = ["LeakageDetector", "PromptInjectionDetector"]
