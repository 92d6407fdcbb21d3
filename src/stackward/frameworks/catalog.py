"""Loaders for the vendored ATLAS 5.6.0, NIST AI RMF 1.0 and OWASP LLM 2025 data."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from stackward.model.refs import ControlRef, Framework

_DATA = "stackward.frameworks.data"
ATLAS_FILE = "atlas-5.6.0.yaml"
ATLAS_INDEX = "atlas-5.6.0.index.json"
"""The parts of ``ATLAS_FILE`` the catalog uses, derived by :func:`atlas_index_from_yaml`
(``python -m stackward.frameworks.catalog``): parsing 450 KB of YAML on every start would cost
a fifth of a second. A test keeps the two equal."""
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


def atlas_index_from_yaml() -> dict[str, Any]:
    """The compact index of the vendored ATLAS release: tactics, techniques, mitigations."""
    raw = _load_yaml(ATLAS_FILE)
    matrix = raw["matrices"][0]
    return {
        "version": str(raw["version"]),
        "tactics": [[t["id"], t["name"]] for t in matrix["tactics"]],
        "techniques": {
            t["id"]: [t["name"], list(t.get("tactics", ())), t.get("subtechnique-of")]
            for t in matrix["techniques"]
        },
        "mitigations": {m["id"]: m["name"] for m in matrix["mitigations"]},
    }


def _atlas_index() -> dict[str, Any]:
    index = resources.files(_DATA).joinpath(ATLAS_INDEX)
    if index.is_file():
        loaded: dict[str, Any] = json.loads(index.read_text(encoding="utf-8"))
        return loaded
    return atlas_index_from_yaml()


@functools.cache
def atlas_catalog() -> AtlasCatalog:
    index = _atlas_index()
    return AtlasCatalog(
        version=index["version"],
        tactics=tuple(AtlasTactic(tid, name) for tid, name in index["tactics"]),
        techniques={
            tid: AtlasTechnique(id=tid, name=name, tactics=tuple(tactics), parent=parent)
            for tid, (name, tactics, parent) in index["techniques"].items()
        },
        mitigations=dict(index["mitigations"]),
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


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).with_name("data") / ATLAS_INDEX
    target.write_text(json.dumps(atlas_index_from_yaml(), sort_keys=True, indent=0) + "\n")
    print(f"wrote {target}")
