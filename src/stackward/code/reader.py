"""Reads one walked file for its AI bill of materials: the files collector's entry point.

Python sources (``.py``, ``.pyi``) and notebook code cells are parsed; dependency files
are read for AI packages. Every problem (too large, not UTF-8, not parseable, not a valid
lock file) becomes a :class:`Skipped` naming the file; the file asset is still created.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from stackward.code.dependencies import (
    DependencyFileError,
    dependency_properties,
    is_dependency_file,
    read_dependencies,
)
from stackward.code.facts import CodeFacts
from stackward.code.inventory import ReferencedAssets, code_properties
from stackward.code.notebook_cells import analyse_cells
from stackward.code.python_source import analyse_python
from stackward.collectors.files.content import Reading, human_size, read_text
from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import FileEntry
from stackward.config.schema import CodeSettings
from stackward.model import Asset, Relation

_PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")


@dataclass(slots=True)
class CodeReading:
    reading: Reading = field(default_factory=Reading)
    facts: CodeFacts | None = None
    """What the code analysis found, for the inventory of referenced models and datasets."""


def wants_code_reading(entry: FileEntry) -> bool:
    """Whether :func:`read_code` has anything to do for ``entry``."""
    if entry.kind is FileKind.NOTEBOOK:
        return True
    if entry.kind is FileKind.SOURCE_CODE and entry.rel.endswith(_PYTHON_SUFFIXES):
        return True
    return is_dependency_file(entry.rel.rsplit("/", 1)[-1])


def read_code(entry: FileEntry, settings: CodeSettings, limit: int) -> CodeReading:
    """The code facts of one file as properties (plus problems as skipped entries)."""
    out = CodeReading()
    name = entry.rel.rsplit("/", 1)[-1]
    if entry.kind is FileKind.NOTEBOOK:
        _notebook(entry, settings, limit, out)
    elif entry.kind is FileKind.SOURCE_CODE and name.endswith(_PYTHON_SUFFIXES):
        _python(entry, settings, out)
    elif is_dependency_file(name):
        _dependencies(entry, name, limit, out)
    return out


def _python(entry: FileEntry, settings: CodeSettings, out: CodeReading) -> None:
    limit = settings.max_file_kb * 1024
    if entry.size > limit:
        out.reading.skip(
            entry,
            f"python not analysed: {human_size(entry.size)} exceeds sources.code.max_file_kb"
            f" ({settings.max_file_kb} KiB)",
        )
        return
    text = read_text(entry, limit, out.reading)
    if text is None:
        return
    facts = analyse_python(text, entry.rel, max_facts=settings.max_facts_per_file)
    _record(entry, facts, settings, out)


def _notebook(entry: FileEntry, settings: CodeSettings, limit: int, out: CodeReading) -> None:
    from stackward.collectors.files.notebooks import code_cell_sources

    scratch = Reading()  # the notebook reader already reports unreadable notebooks
    text = read_text(entry, limit, scratch)
    if text is None:
        return
    try:
        cells = code_cell_sources(json.loads(text))
    except (json.JSONDecodeError, RecursionError):
        return
    if cells is None:
        return
    cell_limit = settings.max_file_kb * 1024
    large = [index for index, source in cells if len(source) > cell_limit]
    for index in large[:10]:
        out.reading.skip(entry, f"cell {index} not analysed: larger than sources.code.max_file_kb")
    kept = [(index, source) for index, source in cells if len(source) <= cell_limit]
    facts = analyse_cells(kept, entry.rel, max_facts=settings.max_facts_per_file)
    _record(entry, facts, settings, out)


def _record(entry: FileEntry, facts: CodeFacts, settings: CodeSettings, out: CodeReading) -> None:
    for problem in facts.problems[:20]:
        out.reading.skip(entry, problem)
    if len(facts.problems) > 20:
        out.reading.skip(entry, f"{len(facts.problems) - 20} more code problems not listed")
    out.reading.properties.update(code_properties(facts, settings.max_facts_per_file))
    out.facts = facts


def _dependencies(entry: FileEntry, name: str, limit: int, out: CodeReading) -> None:
    text = read_text(entry, limit, out.reading)
    if text is None:
        return
    try:
        found = read_dependencies(name, text)
    except DependencyFileError as exc:
        out.reading.skip(entry, str(exc))
        return
    if found:
        out.reading.properties["ai_dependencies"] = dependency_properties(found)


class CodeInventory:
    """The files collector's hook: reads each file once and gathers referenced assets."""

    def __init__(self, settings: CodeSettings) -> None:
        self.settings = settings
        self.referenced = ReferencedAssets()

    def read(self, entry: FileEntry, file_id: str, limit: int, reading: Reading) -> list[Relation]:
        """Adds the code properties and problems of ``entry`` to ``reading``; its edges."""
        if not self.settings.enabled or not wants_code_reading(entry):
            return []
        if reading.properties.get("content_read") is False:
            return []  # the content reader already said why the file was not read
        try:
            found = read_code(entry, self.settings, limit)
        except Exception as exc:  # an analysis bug must not lose the file or the scan
            reading.skip(entry, f"code analysis failed: {type(exc).__name__}: {exc}")
            return []
        reading.properties.update(found.reading.properties)
        reading.skipped.extend(s for s in found.reading.skipped if s not in reading.skipped)
        if found.facts is None:
            return []
        return self.referenced.add(file_id, found.facts)

    def assets(self) -> list[Asset]:
        return self.referenced.assets()
