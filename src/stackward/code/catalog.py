"""The table of AI SDKs and frameworks (``sdk_catalog.yaml``), matched by import or package name.

The table is data so that adding an SDK is one entry, not code. Imports match on their
dotted prefix (``google.generativeai.types`` is ``google.generativeai``); distribution
names are compared after PEP 503 normalisation. A trailing ``*`` matches a prefix, which
covers the ``langchain-*`` and ``llama-index-*`` package families.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from packaging.utils import canonicalize_name


@dataclass(frozen=True, slots=True)
class SdkEntry:
    family: str
    category: str
    modules: tuple[str, ...]
    distributions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Component:
    """One AI SDK or framework found in code or a dependency file."""

    name: str
    family: str
    category: str


def _matches(pattern: str, value: str, dotted: bool) -> bool:
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if dotted:
        return value == pattern or value.startswith(pattern + ".")
    return value == pattern


class SdkCatalog:
    """Looks up import paths and distribution names in the catalog entries."""

    def __init__(self, entries: tuple[SdkEntry, ...]) -> None:
        self.entries = entries
        self._exact: dict[str, list[tuple[str, SdkEntry]]] = {}
        self._prefixes: list[tuple[str, SdkEntry]] = []
        for entry in entries:
            for pattern in entry.modules:
                if pattern.endswith("*"):
                    self._prefixes.append((pattern, entry))
                else:
                    top = pattern.split(".")[0]
                    self._exact.setdefault(top, []).append((pattern, entry))

    def for_import(self, module: str) -> Component | None:
        """The component an ``import`` of ``module`` (dotted path) brings in, if an AI one."""
        top = module.split(".")[0]
        for pattern, entry in self._exact.get(top, ()):
            if _matches(pattern, module, dotted=True):
                return Component(pattern, entry.family, entry.category)
        for pattern, entry in self._prefixes:
            if _matches(pattern, module, dotted=True):
                return Component(top, entry.family, entry.category)
        return None

    def for_distribution(self, distribution: str) -> Component | None:
        """The component a dependency on ``distribution`` brings in, if an AI one."""
        name = canonicalize_name(distribution)
        for entry in self.entries:
            for pattern in entry.distributions:
                star = "*" if pattern.endswith("*") else ""
                wanted = canonicalize_name(pattern.rstrip("*")) + star
                if _matches(wanted, name, dotted=False):
                    return Component(name, entry.family, entry.category)
        return None


def _entry(raw: object) -> SdkEntry:
    if not isinstance(raw, dict):
        raise ValueError(f"sdk catalog entry is not a mapping: {raw!r}")
    return SdkEntry(
        family=str(raw["name"]),
        category=str(raw["category"]),
        modules=tuple(str(m) for m in raw.get("modules") or ()),
        distributions=tuple(str(d) for d in raw.get("distributions") or ()),
    )


@cache
def load_catalog() -> SdkCatalog:
    """The packaged catalog, parsed once per process."""
    text = resources.files("stackward.code").joinpath("sdk_catalog.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    if not isinstance(raw, list):
        raise ValueError("sdk_catalog.yaml must be a list of entries")
    return SdkCatalog(tuple(_entry(item) for item in raw))
