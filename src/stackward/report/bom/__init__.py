"""The inventory as a CycloneDX 1.6 ML-BOM (``stackward bom``)."""

from __future__ import annotations

from stackward.report.bom.document import (
    BomError,
    BomFormat,
    BuiltBom,
    build_bom,
    deterministic_serial,
    render_bom,
    serialise,
)
from stackward.report.bom.reporter import CycloneDxReporter

__all__ = [
    "BomError",
    "BomFormat",
    "BuiltBom",
    "CycloneDxReporter",
    "build_bom",
    "deterministic_serial",
    "render_bom",
    "serialise",
]
