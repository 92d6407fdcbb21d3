"""Reads Jupyter notebooks (nbformat JSON) without running them.

Code cells are matched as text for imports, secrets, unsafe model loading and data paths;
saved outputs are matched for secrets, since a printed token is as leaked as a typed one.
Both are also run through the data classifier's PII detectors (:mod:`.notebook_pii`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from stackward.collectors.files.content import Reading, read_text
from stackward.collectors.files.notebook_pii import PiiTally, classify_code_cells
from stackward.collectors.files.secrets import scan_text
from stackward.collectors.files.source import analyse_source
from stackward.collectors.walk import FileEntry
from stackward.dspm.engine import EngineError


def _text(value: object) -> str:
    """nbformat stores multi-line strings either as one string or as a list of lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def _cells(document: dict[str, Any]) -> list[dict[str, Any]] | None:
    cells = document.get("cells")
    if cells is None and isinstance(document.get("worksheets"), list):
        sheets = [w for w in document["worksheets"] if isinstance(w, dict)]
        cells = [c for w in sheets if isinstance(w.get("cells"), list) for c in w["cells"]]
    if not isinstance(cells, list):
        return None
    return [c for c in cells if isinstance(c, dict)]


def _output_texts(output: dict[str, Any]) -> Iterator[str]:
    yield _text(output.get("text"))
    data = output.get("data")
    if isinstance(data, dict):
        for mime in ("text/plain", "text/html", "text/markdown"):
            yield _text(data.get(mime))
        if "application/json" in data:
            yield json.dumps(data["application/json"])
    traceback = output.get("traceback")
    if isinstance(traceback, list):
        yield "\n".join(t for t in traceback if isinstance(t, str))


def _kernel(document: dict[str, Any]) -> tuple[str, str]:
    metadata = document.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    spec = metadata.get("kernelspec")
    spec = spec if isinstance(spec, dict) else {}
    info = metadata.get("language_info")
    info = info if isinstance(info, dict) else {}
    kernel = str(spec.get("name", "") or "")
    language = str(spec.get("language", "") or info.get("name", "") or "")
    return kernel, language


def _nbformat(document: dict[str, Any]) -> int | None:
    version = document.get("nbformat")
    return version if isinstance(version, int) else None


def read_notebook(entry: FileEntry, limit: int) -> Reading:
    reading = Reading()
    text = read_text(entry, limit, reading)
    if text is None:
        return reading
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        reading.skip(entry, f"not a readable notebook: invalid JSON ({exc})")
        return reading
    cells = _cells(document) if isinstance(document, dict) else None
    if cells is None or not isinstance(document, dict):
        reading.skip(entry, "not a readable notebook: no 'cells' list in the document")
        return reading
    _describe(document, cells, reading)
    _classify_personal_data(entry, cells, reading)
    return reading


def _classify_personal_data(
    entry: FileEntry, cells: list[dict[str, Any]], reading: Reading
) -> None:
    """``pii_in_sources`` / ``pii_in_outputs``; an engine that cannot be built leaves the
    rest of the reading intact and says so."""
    code = [
        (index, _text(cell.get("source", cell.get("input"))), cell)
        for index, cell in enumerate(cells)
        if cell.get("cell_type") == "code"
    ]
    try:
        tally = PiiTally()
        classify_code_cells(tally, code)
    except EngineError as exc:
        reading.skip(entry, f"personal-data scan not run: {exc}")
        return
    reading.properties.update(tally.properties())
    partial = tally.problem()
    if partial is not None:
        reading.skip(entry, partial)


def _describe(document: dict[str, Any], cells: list[dict[str, Any]], reading: Reading) -> None:
    kernel, language = _kernel(document)
    counts: Counter[str] = Counter()
    imports: set[str] = set()
    uris: set[str] = set()
    paths: set[str] = set()
    secrets: list[dict[str, object]] = []
    unsafe: list[dict[str, object]] = []
    outputs = 0
    for index, cell in enumerate(cells):
        cell_type = str(cell.get("cell_type", "unknown"))
        counts[cell_type] += 1
        if cell_type != "code":
            continue
        source = _text(cell.get("source", cell.get("input")))
        facts = analyse_source(source)
        imports |= facts.imports
        uris |= facts.data_uris
        paths |= facts.data_paths
        reading.references.extend(sorted(facts.references))
        secrets += [{**h.as_property(), "cell": index, "where": "code"} for h in facts.secrets]
        unsafe += [{**u, "cell": index} for u in facts.unsafe_loads]
        cell_outputs = cell.get("outputs")
        for output in cell_outputs if isinstance(cell_outputs, list) else []:
            if not isinstance(output, dict):
                continue
            outputs += 1
            for chunk in _output_texts(output):
                secrets += [
                    {**h.as_property(), "cell": index, "where": "output"} for h in scan_text(chunk)
                ]
    reading.properties.update(
        {
            "kernel": kernel,
            "language": language,
            "nbformat": _nbformat(document),
            "cell_counts": dict(sorted(counts.items())),
            "imports": sorted(imports),
            "has_outputs": outputs > 0,
            "output_count": outputs,
            "secrets": secrets,
            "unsafe_loads": unsafe,
            "data_uris": sorted(uris),
            "data_paths": sorted(paths),
        }
    )


def code_cell_sources(document: object) -> list[tuple[int, str]] | None:
    """``(cell index, source)`` of each code cell, indexed as in ``unsafe_loads``; ``None``
    when the document has no cells list."""
    cells = _cells(document) if isinstance(document, dict) else None
    if cells is None:
        return None
    return [
        (index, _text(cell.get("source", cell.get("input"))))
        for index, cell in enumerate(cells)
        if cell.get("cell_type") == "code"
    ]
