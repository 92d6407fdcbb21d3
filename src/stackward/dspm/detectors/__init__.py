"""The built-in detectors: PII (:mod:`.pii`) and secrets (:mod:`.secrets`)."""

from __future__ import annotations

from functools import cache

from stackward.dspm.detector import Detector


@cache
def all_detectors() -> tuple[Detector, ...]:
    """Every built-in detector, ids unique (checked here: a duplicate is a programming error)."""
    from stackward.dspm.detectors.pii import PII_DETECTORS
    from stackward.dspm.detectors.secrets import SECRET_DETECTORS

    detectors = (*PII_DETECTORS, *SECRET_DETECTORS)
    seen: set[str] = set()
    for detector in detectors:
        if detector.id in seen:
            raise ValueError(f"duplicate detector id {detector.id}")
        seen.add(detector.id)
    return detectors
