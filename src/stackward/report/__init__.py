"""Outputs: one module per format, found through the ``stackward.reports`` entry points."""

from __future__ import annotations

from stackward.report.interface import Reporter, load_reporters

__all__ = ["Reporter", "load_reporters"]
