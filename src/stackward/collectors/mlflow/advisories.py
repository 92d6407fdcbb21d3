"""Known advisories for MLflow tracking servers, read from ``advisories.yaml`` beside this file.

The file is data: each entry has an id, the first fixed version and the references its range
was taken from. A server reporting a lower version is affected.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml
from packaging.version import InvalidVersion, Version


@dataclass(frozen=True, slots=True)
class Advisory:
    id: str
    fixed: Version
    severity: str
    summary: str
    references: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "fixed": str(self.fixed),
            "severity": self.severity,
            "summary": self.summary,
            "references": list(self.references),
            "aliases": list(self.aliases),
        }


@cache
def mlflow_advisories() -> tuple[Advisory, ...]:
    text = files("stackward.collectors.mlflow").joinpath("advisories.yaml").read_text("utf-8")
    entries = yaml.safe_load(text)
    if not isinstance(entries, list):
        raise ValueError("advisories.yaml: expected a list of advisories")
    return tuple(
        Advisory(
            id=str(entry["id"]),
            fixed=Version(str(entry["fixed"])),
            severity=str(entry["severity"]),
            summary=str(entry["summary"]),
            references=tuple(str(r) for r in entry["references"]),
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),
        )
        for entry in entries
    )


def affecting(version: str | None) -> list[Advisory]:
    """Advisories whose fixed version is above ``version``; none for an unparsable version."""
    if not version:
        return []
    try:
        parsed = Version(version)
    except InvalidVersion:
        return []
    return [a for a in mlflow_advisories() if parsed < a.fixed]
