"""Bounds the extraction signals are judged against, and the per-key memory limits.

``ExtractionSettings`` (the ``detect.extraction`` section of ``stackward.yaml``) carries the
window, the minimum query count and the key cap; these finer bounds have defaults measured on
the simulation in ``benchmarks/extraction.py`` (see ``docs/benchmarks.md``) and are passed to
the detector in code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ExtractionThresholds:
    """What counts as "high" for each signal, and how much each key may keep."""

    rate_per_minute: float = 4.0
    """Queries per minute, averaged over the window."""
    tokens_per_window: int = 400_000
    """Input plus output tokens in the window."""
    template_share: float = 0.25
    """Share of the window's prompts in the key's most common template."""
    template_slots: int = 3
    """Positions in which prompts of one template may differ (the swept slot words)."""
    logprobs_share: float = 0.5
    """Share of queries asking for logprobs / top_logprobs."""
    logit_bias_share: float = 0.2
    """Share of queries setting logit_bias (rarer in honest use than logprobs)."""
    shapiro_delta: float = 0.85
    """PRADA's δ: a Shapiro-Wilk W below it says the key's distances are not natural."""
    signals_without_distribution: int = 3
    """Signals that must hold together when the distribution test does not flag."""
    reservoir: int = 32
    """Recent prompt vectors kept per key for the minimum distance."""
    max_distances: int = 256
    """Most recent minimum distances the Shapiro-Wilk test reads."""
    max_window_queries: int = 1000
    """Queries kept per key window; beyond it rate and tokens are extrapolated from the span."""
    max_templates: int = 64
    """Templates tracked per key; the rarest is dropped beyond it."""

    def __post_init__(self) -> None:
        if not 0 < self.shapiro_delta <= 1:
            raise ValueError("shapiro_delta must be in (0, 1]")
        for name in ("template_share", "logprobs_share", "logit_bias_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in (0, 1]")
        for name in (
            "rate_per_minute",
            "tokens_per_window",
            "template_slots",
            "signals_without_distribution",
            "reservoir",
            "max_window_queries",
            "max_templates",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.max_distances < 8:
            raise ValueError("max_distances must be at least 8")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
