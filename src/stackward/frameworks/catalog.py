"""Loaders for the vendored ATLAS 5.6.0, NIST AI RMF 1.0 and OWASP LLM 2025 data."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from stackward.model.refs import ControlRef, Framework

_DATA = "stackward.frameworks.data"
ATLAS_FILE = "atlas-5.6.0.yaml"
NIST_FILE = "nist-ai-rmf-1.0-core.yaml"
OWASP_FILE = "owasp-llm-2025.yaml"


class UnknownControlError(ValueError):
    """A reference names an id that the pinned catalog does not contain."""


def _load_yaml(name: str) -> Any:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader is chosen above


@dataclass(frozen=True, slots=True)
class AtlasTactic:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class AtlasTechnique:
    id: str
    name: str
    tactics: tuple[str, ...]
    parent: str | None


@dataclass(frozen=True, slots=True)
class AtlasCatalog:
    version: str
    tactics: tuple[AtlasTactic, ...]
    techniques: dict[str, AtlasTechnique]
    mitigations: dict[str, str]

    def name_of(self, control_id: str) -> str | None:
        if control_id in self.techniques:
            return self.techniques[control_id].name
        if control_id in self.mitigations:
            return self.mitigations[control_id]
        return None

    def tactics_of(self, technique_id: str) -> tuple[str, ...]:
        """Tactics of a technique; sub-techniques inherit their parent's."""
        technique = self.techniques[technique_id]
        if technique.tactics:
            return technique.tactics
        if technique.parent:
            return self.tactics_of(technique.parent)
        return ()


@functools.cache
def atlas_catalog() -> AtlasCatalog:
    raw = _load_yaml(ATLAS_FILE)
    matrix = raw["matrices"][0]
    techniques = {
        t["id"]: AtlasTechnique(
            id=t["id"],
            name=t["name"],
            tactics=tuple(t.get("tactics", ())),
            parent=t.get("subtechnique-of"),
        )
        for t in matrix["techniques"]
    }
    return AtlasCatalog(
        version=str(raw["version"]),
        tactics=tuple(AtlasTactic(t["id"], t["name"]) for t in matrix["tactics"]),
        techniques=techniques,
        mitigations={m["id"]: m["name"] for m in matrix["mitigations"]},
    )


@functools.cache
def nist_catalog() -> dict[str, str]:
    """Subcategory id (``MANAGE 2.4``) to its statement. Categories are included too."""
    raw = _load_yaml(NIST_FILE)
    entries: dict[str, str] = {}
    for function in raw["functions"]:
        for category in function["categories"]:
            entries[category["id"]] = category["text"]
            for sub in category["subcategories"]:
                entries[sub["id"]] = sub["text"]
    return entries


@functools.cache
def owasp_catalog() -> dict[str, str]:
    raw = _load_yaml(OWASP_FILE)
    return {item["id"]: item["name"] for item in raw["items"]}


def atlas(control_id: str) -> ControlRef:
    name = atlas_catalog().name_of(control_id)
    if name is None:
        raise UnknownControlError(f"{control_id!r} is not in MITRE ATLAS {atlas_catalog().version}")
    return ControlRef(Framework.ATLAS, control_id, name)


def nist(control_id: str) -> ControlRef:
    catalog = nist_catalog()
    if control_id not in catalog:
        raise UnknownControlError(f"{control_id!r} is not a NIST AI RMF 1.0 subcategory")
    return ControlRef(Framework.NIST_AI_RMF, control_id, catalog[control_id])


def owasp_llm(control_id: str) -> ControlRef:
    catalog = owasp_catalog()
    if control_id not in catalog:
        raise UnknownControlError(f"{control_id!r} is not in the OWASP Top 10 for LLM Apps 2025")
    return ControlRef(Framework.OWASP_LLM, control_id, catalog[control_id])
