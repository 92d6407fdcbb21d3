"""The output contract: a named format that renders a :class:`ScanResult` to text."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Protocol

from stackward.scan.result import ScanResult

GROUP = "stackward.reports"
_BUILTIN = {
    "json": "stackward.report.json_report:JsonReporter",
    "sarif": "stackward.report.sarif:SarifReporter",
    "ocsf": "stackward.report.ocsf:OcsfReporter",
    "html": "stackward.report.html:HtmlReporter",
    "cyclonedx": "stackward.report.bom:CycloneDxReporter",
}


class Reporter(Protocol):
    name: str
    suffix: str

    def render(self, result: ScanResult) -> str: ...


def load_reporters() -> dict[str, Reporter]:
    """Every registered output format by name; a missing built-in module is left out."""
    found: dict[str, Reporter] = {}
    for ep in entry_points(group=GROUP):
        found[ep.name] = ep.load()()
    for name, value in _BUILTIN.items():
        if name in found:
            continue
        module_name, _, attr = value.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        found[name] = getattr(module, attr)()
    return found
