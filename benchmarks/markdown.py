"""Markdown helpers shared by the benchmark reports: tables, and sections between markers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def replace_between(page: str, section: str, begin: str, end: str) -> str:
    """``page`` with the text between ``begin`` and ``end`` replaced by ``section`` (markers
    kept); appended at the end when the markers are not there yet."""
    body = f"{begin}\n{section.strip()}\n{end}"
    start = page.find(begin)
    stop = page.find(end, start + len(begin)) if start >= 0 else -1
    if start < 0 or stop < 0:
        return page.rstrip() + "\n\n" + body + "\n"
    return page[:start] + body + page[stop + len(end) :]


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
