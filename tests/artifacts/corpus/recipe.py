"""What a corpus sample is (one manifest entry) and how it is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal

Label = Literal["malicious", "benign"]
Writer = Callable[[Path], None]
"""Writes the sample at the given path (and any sibling files it needs)."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One manifest entry. ``cls`` is the evasion class (malicious) or producing library."""

    path: str
    label: Label
    cls: str
    format: str
    description: str
    produced_by: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "label": self.label,
            "class": self.cls,
            "format": self.format,
            "description": self.description,
            "produced_by": self.produced_by,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, str]) -> Sample:
        label: Label = "malicious" if raw["label"] == "malicious" else "benign"
        return cls(
            path=raw["path"],
            label=label,
            cls=raw["class"],
            format=raw["format"],
            description=raw["description"],
            produced_by=raw.get("produced_by", ""),
        )


@dataclass(frozen=True, slots=True)
class Recipe:
    sample: Sample
    write: Writer


def bytes_writer(make: Callable[[], bytes]) -> Writer:
    """A writer for samples that are one file of computed bytes."""

    def write(path: Path) -> None:
        path.write_bytes(make())

    return write


def library_version(*packages: str) -> str:
    """``"torch 2.13.0"`` for the installed distributions, read without importing them."""
    parts = []
    for package in packages:
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} (not installed)")
    return ", ".join(parts)


def malicious(path: str, cls: str, fmt: str, description: str, write: Writer) -> Recipe:
    return Recipe(Sample(f"malicious/{cls}/{path}", "malicious", cls, fmt, description), write)


def benign(
    path: str, lib: str, fmt: str, description: str, write: Writer, *packages: str
) -> Recipe:
    produced_by = library_version(*(packages or (lib,)))
    return Recipe(
        Sample(f"benign/{lib}/{path}", "benign", lib, fmt, description, produced_by), write
    )
