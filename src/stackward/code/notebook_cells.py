"""Notebook code cells as Python: IPython magics and shell escapes are set aside first.

``%magic`` and ``!command`` lines are not Python; they are blanked (keeping line numbers)
before parsing, and shell escapes are matched for ``curl ... | sh``. A cell whose first
line is a shell cell magic (``%%bash``, ``%%sh``, ``%%script``) is shell throughout. Other
cell magics are skipped, except the timing and capture magics whose body is Python.
"""

from __future__ import annotations

import re

from stackward.code.catalog import SdkCatalog
from stackward.code.facts import CodeFacts, CodeRisk, redacted_snippet
from stackward.code.python_source import DEFAULT_MAX_FACTS, analyse_python
from stackward.code.risks import PIPE_TO_SHELL

_SHELL_CELL = re.compile(r"^%%(?:bash|sh|script\b|system)")
_PYTHON_CELL = re.compile(r"^%%(?:time|timeit|capture|prun)\b")
_ESCAPE = re.compile(r"^\s*(?:[A-Za-z_]\w*\s*=\s*)?(?P<kind>[!%])")
_HELP = re.compile(r"^\s*\??[\w.]+\?{1,2}\s*$")
MAX_CELLS = 5000


def split_cell(source: str) -> tuple[str, list[tuple[int, str]]]:
    """The cell's Python text (magic lines blanked) and its shell lines (1-based numbers)."""
    lines = source.splitlines()
    if not lines:
        return "", []
    first = lines[0].lstrip()
    if _SHELL_CELL.match(first):
        return "", list(enumerate(lines[1:], start=2))
    if first.startswith("%%") and not _PYTHON_CELL.match(first):
        return "", []
    python: list[str] = []
    shell: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        escape = _ESCAPE.match(line)
        if escape is not None or _HELP.match(line):
            if escape is not None and escape.group("kind") == "!":
                shell.append((number, line))
            python.append("")
        else:
            python.append(line)
    return "\n".join(python), shell


def analyse_cells(
    cells: list[tuple[int, str]],
    label: str,
    max_facts: int = DEFAULT_MAX_FACTS,
    catalog: SdkCatalog | None = None,
) -> CodeFacts:
    """Facts of every code cell (``(cell index, source)``), each tagged with its cell."""
    facts = CodeFacts()
    for index, source in cells[:MAX_CELLS]:
        python, shell = split_cell(source)
        for number, line in shell:
            if PIPE_TO_SHELL.search(line):
                facts.risks.append(
                    CodeRisk(
                        "pipe_to_shell",
                        number,
                        redacted_snippet(line),
                        "shell escape runs a downloaded script through a shell",
                        index,
                    )
                )
        if not python.strip():
            continue
        found = analyse_python(
            python, f"{label} cell {index}", cell=index, max_facts=max_facts, catalog=catalog
        )
        found.problems = [f"cell {index}: {p}" for p in found.problems]
        facts.extend(found)
    if len(cells) > MAX_CELLS:
        facts.problems.append(f"only the first {MAX_CELLS} of {len(cells)} code cells analysed")
    return facts
