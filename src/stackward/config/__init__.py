"""``stackward.yaml``: what to scan and which policies apply."""

from __future__ import annotations

from stackward.config.loader import ConfigError, load_config
from stackward.config.schema import ScanConfig, Suppression

__all__ = ["ConfigError", "ScanConfig", "Suppression", "load_config"]
