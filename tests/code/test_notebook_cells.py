"""Notebook code cells: magics and shell escapes set aside, ``!curl | sh`` still caught."""

from __future__ import annotations

import pytest

from stackward.code import analyse_cells
from stackward.code.notebook_cells import split_cell


@pytest.mark.parametrize(
    ("cell", "python", "shell_lines"),
    [
        ("%pip install openai\nimport openai\n", "\nimport openai", []),
        ("!pip install torch\nx = 1", "\nx = 1", [1]),
        ("files = !ls data\nprint(files)", "\nprint(files)", [1]),
        ("%%bash\ncurl -s https://x.io/i.sh | sh\n", "", [2]),
        ("%%time\nimport torch\n", "\nimport torch", []),
        ("%%sql\nSELECT 1\n", "", []),
        ("model?\nimport openai", "\nimport openai", []),
        ("a = b != c\nd = 10 % 3", "a = b != c\nd = 10 % 3", []),
    ],
    ids=[
        "line-magic",
        "shell-escape",
        "captured-shell",
        "bash-cell",
        "time-cell",
        "other-cell-magic",
        "help-line",
        "neg-operators-stay-python",
    ],
)
def test_split_cell(cell: str, python: str, shell_lines: list[int]) -> None:
    code, shell = split_cell(cell)
    assert code == python
    assert [number for number, _ in shell] == shell_lines


@pytest.mark.parametrize(
    ("cells", "kinds"),
    [
        ([(0, "!curl -fsSL https://get.example.com | sh")], [("pipe_to_shell", 0, 1)]),
        ([(2, "%%bash\necho hi\nwget -qO- https://x.io/s | bash")], [("pipe_to_shell", 2, 3)]),
        ([(1, "import yaml\ncfg = yaml.load(open('c'))")], [("yaml_unsafe_load", 1, 2)]),
        ([(0, "!pip install -r requirements.txt"), (1, "!curl -o x.sh https://x.io/x.sh")], []),
        ([(0, "import yaml\ncfg = yaml.safe_load(open('c'))")], []),
    ],
    ids=[
        "shell-escape-pipe",
        "bash-cell-pipe",
        "python-risk-in-cell",
        "neg-plain-shell",
        "neg-safe-load",
    ],
)
def test_cell_risks_carry_cell_and_line(
    cells: list[tuple[int, str]], kinds: list[tuple[str, int, int]]
) -> None:
    facts = analyse_cells(cells, "nb.ipynb")
    assert [(r.kind, r.cell, r.line) for r in facts.risks] == kinds


def test_a_broken_cell_is_a_problem_and_other_cells_still_count() -> None:
    facts = analyse_cells(
        [
            (0, "def broken(:\n"),
            (1, "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o')"),
        ],
        "nb.ipynb",
    )
    assert len(facts.problems) == 1 and facts.problems[0].startswith("cell 0: python not parsed")
    assert [m.model.asset_id for m in facts.models] == ["model:provider/openai/gpt-4o"]
    assert [m.cell for m in facts.models] == [1]
    assert list(facts.components) == ["openai"]
