"""Sensitive-data classification of the sources in ``data.sources`` (``stackward scan``)."""

from __future__ import annotations

from stackward.collectors.data.collector import DataCollector

__all__ = ["DataCollector"]
