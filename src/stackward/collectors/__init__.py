"""Collectors: the only code that reads the outside world to discover assets.

The package itself imports nothing heavy, so that ``stackward.collectors.sniff`` (used by the
model-artifact scanner) does not pull in the configuration schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stackward.collectors.base import (
        CollectContext,
        Collector,
        CollectResult,
        load_collectors,
    )

__all__ = ["CollectContext", "CollectResult", "Collector", "load_collectors"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from stackward.collectors import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
