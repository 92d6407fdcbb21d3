"""Things that could not be analysed. Never silence: every skip carries its reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Skipped:
    """``location`` names the file, object or source; ``reason`` says what was wrong."""

    location: str
    reason: str
    collector: str = ""

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"
