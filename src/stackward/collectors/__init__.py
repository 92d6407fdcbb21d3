"""Collectors: the only code that reads the outside world to discover assets."""

from __future__ import annotations

from stackward.collectors.base import CollectContext, Collector, CollectResult, load_collectors

__all__ = ["CollectContext", "CollectResult", "Collector", "load_collectors"]
