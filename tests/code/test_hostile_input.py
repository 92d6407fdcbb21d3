"""Hostile or broken input gives a problem naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackward.code import analyse_python
from stackward.collectors.base import CollectContext
from stackward.collectors.files import FilesCollector
from stackward.collectors.walk import walk_tree
from stackward.config.schema import CodeSettings, ScanConfig, Sources


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("x = " + "(" * 300 + ")" * 300, "python not parsed"),
        ("x = " + "[" * 5000 + "]" * 5000, "python not parsed"),
        ("def f(:\n    pass\n", "python not parsed: invalid syntax at line 1"),
        ("x = 1\x00\n", "python not parsed"),
        ("print 'python 2'\n", "python not parsed"),
        ("x = f" + "()" * 20000, "python not parsed"),
        ("x = a" + ".b" * 100000, "python not parsed"),
        ("eval(response" + ".x" * 50000 + ")", "python not parsed"),
    ],
    ids=[
        "deep-parentheses",
        "very-deep-nesting",
        "syntax-error",
        "null-byte",
        "python2",
        "call-chain",
        "attribute-chain",
        "deep-eval-argument",
    ],
)
def test_unparseable_source_is_a_problem(source: str, problem: str) -> None:
    facts = analyse_python(source, "bad.py")
    assert len(facts.problems) == 1 and facts.problems[0].startswith(problem)
    assert not facts.models and not facts.risks


def test_deep_expression_that_parses_is_still_analysed_or_reported() -> None:
    source = "x = " + " + ".join(["1"] * 20000) + "\nimport openai\n"
    facts = analyse_python(source, "long.py")
    assert facts.problems or list(facts.components) == ["openai"]


def _collect(root: Path, **code: object) -> tuple[dict[str, dict[str, object]], list[str]]:
    config = ScanConfig(sources=Sources(paths=[root], code=CodeSettings(**code)))  # type: ignore[arg-type]
    result = FilesCollector().collect(CollectContext(config=config, files=walk_tree(root).files))
    props = {a.id: dict(a.properties) for a in result.assets}
    return props, [str(s) for s in result.skipped]


def test_bad_files_are_skipped_by_name_and_the_scan_goes_on(tmp_path: Path) -> None:
    (tmp_path / "deep.py").write_text("x = " + "(" * 1000 + ")" * 1000 + "\n")
    (tmp_path / "latin1.py").write_bytes(b"name = '\xe9t\xe9'\nimport openai\n")
    (tmp_path / "bad_ident.py").write_bytes(b"caf\xe9 = 1\n")
    (tmp_path / "huge.py").write_text("import torch\n" + "x = 1\n" * 400_000)
    (tmp_path / "poetry.lock").write_text("[[package]\nname = 'openai'")
    (tmp_path / "good.py").write_text(
        "import openai\nOpenAI().chat.completions.create(model='gpt-4o')\n"
    )
    props, skipped = _collect(tmp_path, max_file_kb=1024)
    name = tmp_path.name
    assert any(s.startswith(f"{name}/deep.py: python not parsed") for s in skipped)
    assert any(s.startswith(f"{name}/bad_ident.py: python not parsed") for s in skipped)
    assert any(
        s.startswith(f"{name}/huge.py: python not analysed") and "max_file_kb" in s for s in skipped
    )
    assert any(s.startswith(f"{name}/poetry.lock: not a readable poetry.lock") for s in skipped)
    assert props[f"file:{name}/latin1.py"]["ai_components"] == [
        {"name": "openai", "family": "openai", "category": "llm_provider_sdk"}
    ]
    assert props[f"file:{name}/good.py"]["model_refs"]
    assert f"file:{name}/huge.py" in props and "ai_components" not in props[f"file:{name}/huge.py"]


def test_code_reading_can_be_switched_off(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import openai\nyaml.load(f)\n")
    props, _ = _collect(tmp_path, enabled=False)
    assert "ai_components" not in props[f"file:{tmp_path.name}/app.py"]
    assert "code_risks" not in props[f"file:{tmp_path.name}/app.py"]
