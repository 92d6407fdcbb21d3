"""Personal data in notebooks, found by the data classifier's PII detectors.

A printed ``df.head()`` of a customer table is stored in the .ipynb with the outputs, and a
few rows pasted into a cell to try something out stay in its source; either is personal data
copied out of the system that governs it. The same detectors, validators (Luhn, SSN ranges,
libphonenumber) and context rules as the data classifier decide, so a notebook and a
bucket holding the same rows get the same verdict.

Each record is ``{class, count, cell, line, confidence, detector, shape}``: per class and
cell, the number of occurrences, the line (within the cell's text) of the first one, the
best confidence and the masked shape of the first value (``999-99-9999``). The values
themselves are never kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from stackward.dspm.detectors.pii import PII_DETECTORS
from stackward.dspm.engine import CandidateEngine, build_engine
from stackward.dspm.evidence import pii_shape
from stackward.dspm.text import classify_text, line_of

MIN_CONFIDENCE = 0.5
"""The data classifier's default threshold (``dspm.classify.DEFAULT_MIN_CONFIDENCE``)."""
MAX_TEXT_CHARS = 100_000
"""Characters of one cell source or one output classified; a longer text is cut (and the
cut is recorded), since a notebook output can hold megabytes of printed rows."""
MAX_NOTEBOOK_CHARS = 1_000_000
"""Characters classified per notebook, sources and outputs together."""
MAX_RECORDS = 500
"""Records kept per notebook and place (sources, outputs)."""
OUTPUT_MIME_TYPES = ("text/plain", "text/html")
"""Rich output data read, in preference order: only the first present is classified, since
Jupyter stores the same DataFrame both as text and as an HTML table."""
NBFORMAT3_TEXT_KEYS = ("text", "html")
"""The same, under the keys of nbformat 3."""


@cache
def pii_engine() -> CandidateEngine:
    """The candidate engine over the PII detectors only, compiled once per process."""
    return build_engine(PII_DETECTORS)


def _joined(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def output_texts(output: dict[str, Any]) -> Iterator[str]:
    """The text of a stream output and the text data of a result or display; images and
    other binary data are not read. nbformat 3 kept a result's data beside ``output_type``
    (``text``, ``html``, ``png``) instead of under ``data``."""
    kind = output.get("output_type")
    if kind in {"error", "pyerr"}:
        return
    if kind == "stream":
        yield _joined(output.get("text"))
        return
    data = output.get("data")
    mimes = OUTPUT_MIME_TYPES if isinstance(data, dict) else NBFORMAT3_TEXT_KEYS
    found = data if isinstance(data, dict) else output
    for mime in mimes:
        text = _joined(found.get(mime))
        if text:
            yield text
            return


@dataclass(slots=True)
class PiiTally:
    """Accumulates PII records for one notebook, within the character budget."""

    engine: CandidateEngine = field(default_factory=pii_engine)
    budget: int = MAX_NOTEBOOK_CHARS
    cut_texts: int = 0
    """Texts classified only in part (over ``MAX_TEXT_CHARS`` or the notebook budget)."""
    unread_texts: int = 0
    """Texts not classified at all: the notebook budget was spent."""
    _records: dict[str, dict[tuple[str, int], dict[str, Any]]] = field(
        default_factory=lambda: {"sources": {}, "outputs": {}}
    )

    def add(self, text: str, cell: int, place: str, line_offset: int = 0) -> int:
        """Classify ``text`` of ``cell`` into ``place`` (``sources`` or ``outputs``).

        ``line_offset`` is added to the lines found (outputs of one cell are counted as one
        text, one after the other). Returns the number of lines of ``text``."""
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if not text.strip():
            return lines
        if self.budget <= 0:
            self.unread_texts += 1
            return lines
        allowed = min(MAX_TEXT_CHARS, self.budget)
        if len(text) > allowed:
            self.cut_texts += 1
            text = text[:allowed]
        self.budget -= len(text)
        records = self._records[place]
        for hit in classify_text(text, self.engine):
            if hit.confidence < MIN_CONFIDENCE:
                continue
            key = (hit.data_class, cell)
            record = records.get(key)
            if record is None:
                if len(records) >= MAX_RECORDS:
                    continue
                records[key] = {
                    "class": hit.data_class,
                    "count": 1,
                    "cell": cell,
                    "line": line_of(text, hit.start) + line_offset,
                    "confidence": round(hit.confidence, 4),
                    "detector": hit.detector,
                    "shape": pii_shape(hit.value),
                }
            else:
                record["count"] += 1
                record["confidence"] = max(record["confidence"], round(hit.confidence, 4))
        return lines

    def records(self, place: str) -> list[dict[str, Any]]:
        return sorted(self._records[place].values(), key=lambda r: (r["cell"], r["class"]))

    def properties(self) -> dict[str, object]:
        found: dict[str, object] = {
            "pii_in_outputs": self.records("outputs"),
            "pii_in_sources": self.records("sources"),
        }
        if self.cut_texts or self.unread_texts:
            found["pii_scan_partial"] = {"cut_texts": self.cut_texts, "unread": self.unread_texts}
        return found

    def problem(self) -> str | None:
        """A sentence for a Skipped when not all text was classified, else None."""
        if not (self.cut_texts or self.unread_texts):
            return None
        return (
            f"personal-data scan partial: {self.cut_texts} cell texts cut at"
            f" {MAX_TEXT_CHARS:,} characters, {self.unread_texts} not read (notebook budget"
            f" {MAX_NOTEBOOK_CHARS:,} characters)"
        )


def classify_code_cells(tally: PiiTally, cells: list[tuple[int, str, dict[str, Any]]]) -> None:
    """``(index, source, cell)`` of each code cell into ``tally``: every source first (short,
    and not removed by clearing outputs), then the outputs, within the notebook budget."""
    for index, source, _ in cells:
        tally.add(source, index, "sources")
    for index, _, cell in cells:
        classify_outputs(tally, cell, index)


def classify_outputs(tally: PiiTally, cell: dict[str, Any], index: int) -> None:
    """The outputs of one code cell, their lines counted on from one output to the next."""
    outputs = cell.get("outputs")
    offset = 0
    for output in outputs if isinstance(outputs, list) else []:
        if not isinstance(output, dict):
            continue
        for text in output_texts(output):
            offset += tally.add(text, index, "outputs", offset)
