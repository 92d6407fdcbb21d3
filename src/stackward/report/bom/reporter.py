"""The ML-BOM as a :class:`~stackward.report.interface.Reporter`, so ``stackward scan`` can
write it beside the other formats once the format is registered."""

from __future__ import annotations

from stackward.report.bom.document import BomFormat, render_bom
from stackward.scan.result import ScanResult


class CycloneDxReporter:
    """CycloneDX 1.6 JSON (``.cdx.json``, the suffix CycloneDX tools look for)."""

    name = "cyclonedx"
    suffix = ".cdx.json"

    def render(self, result: ScanResult) -> str:
        return render_bom(result, BomFormat.JSON)
