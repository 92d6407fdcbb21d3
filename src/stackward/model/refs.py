"""Framework references. Build them only through :mod:`stackward.frameworks` helpers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Framework(StrEnum):
    ATLAS = "MITRE ATLAS"
    NIST_AI_RMF = "NIST AI RMF"
    OWASP_LLM = "OWASP LLM Top 10"


@dataclass(frozen=True, slots=True, order=True)
class ControlRef:
    """A validated pointer into a pinned framework catalog."""

    framework: Framework
    id: str
    name: str

    def __str__(self) -> str:
        return f"{self.framework.value} {self.id}"
