"""Turns the personal-data records the files collector kept on a notebook into violations.

Shared by SW-NB-003 (outputs) and SW-NB-004 (sources): a record names a class, a cell, the
line within that cell's text and the masked shape of the first value; never the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from stackward.checks.base import Violation
from stackward.dspm.evidence import pii_shape
from stackward.dspm.taxonomy import DATA_CLASSES
from stackward.model import Asset, Evidence, Severity


def pii_records(asset: Asset, prop: str) -> Iterator[Mapping[str, Any]]:
    """The well-formed records under ``prop`` (``pii_in_outputs`` / ``pii_in_sources``)."""
    records = asset.prop(prop, ())
    for record in records if isinstance(records, list | tuple) else ():
        if isinstance(record, Mapping) and isinstance(record.get("class"), str):
            yield record


def is_high_impact(data_class: str) -> bool:
    """National ids, card and bank account numbers, passports: the classes the taxonomy rates
    HIGH, each enough on its own for identity theft or fraud."""
    known = DATA_CLASSES.get(data_class)
    return known is not None and known.severity >= Severity.HIGH


def pii_violation(
    asset: Asset, record: Mapping[str, Any], where: str, severity: Severity
) -> Violation:
    data_class = str(record["class"])
    cell = record.get("cell") if isinstance(record.get("cell"), int) else None
    line = record.get("line") if isinstance(record.get("line"), int) else None
    count = record.get("count") if isinstance(record.get("count"), int) else 1
    shape = pii_shape(str(record.get("shape", "")))  # masked again: a second guard
    title = DATA_CLASSES[data_class].title if data_class in DATA_CLASSES else data_class
    return Violation(
        Evidence(
            location=str(asset.prop("path", asset.source)),
            snippet=f"{data_class} in cell {cell} {where}, line {line}: {shape}",
            line=line,
            key=f"{data_class}:{cell if cell is not None else '-'}",
        ),
        detail=f"{count} occurrence(s) of {title.lower()} in cell {cell} {where} (first at line {line})",
        severity=severity,
    )
