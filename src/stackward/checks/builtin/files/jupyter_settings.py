"""Reads the Jupyter settings a collector recorded on a config-file asset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackward.model import Asset, Evidence

ALL_INTERFACES = frozenset({"0.0.0.0", "*", "", "::", "[::]"})  # noqa: S104 - values to match


def jupyter_settings(asset: Asset) -> Mapping[str, Mapping[str, Any]]:
    settings = asset.prop("jupyter_settings")
    return settings if isinstance(settings, Mapping) else {}


def setting_value(settings: Mapping[str, Mapping[str, Any]], name: str) -> Any:
    entry = settings.get(name)
    return entry.get("value") if isinstance(entry, Mapping) else None


def setting_evidence(
    asset: Asset, settings: Mapping[str, Mapping[str, Any]], name: str
) -> Evidence:
    entry = settings.get(name)
    line = entry.get("line") if isinstance(entry, Mapping) else None
    value = setting_value(settings, name)
    shown = "''" if value == "empty" and name in {"token", "password"} else repr(value)
    return Evidence(
        location=str(asset.prop("path", asset.source)),
        snippet=f"{name} = {shown}",
        line=line if isinstance(line, int) and line > 0 else None,
        key=name,
    )
