"""AI packages and pinned versions from each dependency file format."""

from __future__ import annotations

import pytest

from stackward.code import is_dependency_file, read_dependencies
from stackward.code.dependencies import DependencyFileError

PYPROJECT = """
[project]
name = "svc"
dependencies = ["openai==1.40.0", "requests>=2", "langchain-openai>=0.1,<0.3"]
[project.optional-dependencies]
ml = ["torch==2.4.1; platform_system == 'Linux'"]
[tool.poetry.dependencies]
python = "^3.11"
transformers = {version = "4.44.2", extras = ["torch"]}
anthropic = "^0.34"
"""
POETRY_LOCK = """
[[package]]
name = "openai"
version = "1.40.0"
[[package]]
name = "httpx"
version = "0.27.0"
[[package]]
name = "llama-index-core"
version = "0.11.1"
"""
UV_LOCK = """
version = 1
[[package]]
name = "chromadb"
version = "0.5.5"
source = { registry = "https://pypi.org/simple" }
"""
PIPFILE_LOCK = (
    '{"_meta": {}, "default": {"mlflow": {"version": "==2.16.0"}, "flask": {"version": "==3.0.0"}},'
    ' "develop": {"pytest": {"version": "==8.0.0"}}}'
)
ENVIRONMENT = """
name: ml
dependencies:
  - python=3.11
  - pytorch::pytorch=2.3.1
  - scikit-learn>=1.4
  - pip:
      - vllm==0.5.4
      - numpy
"""
REQUIREMENTS = """
# serving
openai==1.40.0  # pinned
sentence-transformers>=3.0
-r base.txt
--index-url https://pypi.example.com/simple
torch==2.4.1 --hash=sha256:abc
git+https://github.com/example/lib.git
Transformers[torch]==4.44.2 ; python_version >= "3.10"
this is not a requirement !!
flask==3.0.0
"""


def _summary(file_name: str, text: str) -> list[tuple[str, str | None]]:
    return [(d.name, d.pinned) for d in read_dependencies(file_name, text)]


@pytest.mark.parametrize(
    ("file_name", "text", "expected"),
    [
        (
            "requirements.txt",
            REQUIREMENTS,
            [
                ("openai", "1.40.0"),
                ("sentence-transformers", None),
                ("torch", "2.4.1"),
                ("transformers", "4.44.2"),
            ],
        ),
        ("requirements-dev.txt", "wandb==0.17.0\n", [("wandb", "0.17.0")]),
        (
            "pyproject.toml",
            PYPROJECT,
            [
                ("anthropic", None),
                ("langchain-openai", None),
                ("openai", "1.40.0"),
                ("torch", "2.4.1"),
                ("transformers", "4.44.2"),
            ],
        ),
        ("poetry.lock", POETRY_LOCK, [("llama-index-core", "0.11.1"), ("openai", "1.40.0")]),
        ("uv.lock", UV_LOCK, [("chromadb", "0.5.5")]),
        ("Pipfile.lock", PIPFILE_LOCK, [("mlflow", "2.16.0")]),
        ("environment.yml", ENVIRONMENT, [("scikit-learn", None), ("vllm", "0.5.4")]),
        ("requirements.txt", "flask==3.0\nrequests\n", []),
    ],
    ids=[
        "requirements",
        "requirements-variant",
        "pyproject-pep621-and-poetry",
        "poetry-lock",
        "uv-lock",
        "pipfile-lock",
        "conda-environment",
        "neg-no-ai-packages",
    ],
)
def test_dependency_files(
    file_name: str, text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert _summary(file_name, text) == expected


def test_conda_channel_pins_are_read() -> None:
    found = {d.name: d for d in read_dependencies("environment.yml", ENVIRONMENT)}
    assert "torch" not in found  # conda names pytorch "pytorch", not in the PyPI catalog
    assert found["scikit-learn"].specifier == ">=1.4"


def test_requirement_lines_are_recorded() -> None:
    found = {d.name: d for d in read_dependencies("requirements.txt", REQUIREMENTS)}
    assert found["openai"].line == 3 and found["openai"].category == "llm_provider_sdk"


@pytest.mark.parametrize(
    ("file_name", "text"),
    [
        ("pyproject.toml", "[project\nname = 'x'"),
        ("poetry.lock", "[[package]]\nname = "),
        ("Pipfile.lock", '{"default": '),
        ("Pipfile.lock", "[1, 2]"),
        ("environment.yml", "dependencies: [a, b"),
        ("environment.yml", "- just\n- a list\n"),
    ],
    ids=[
        "toml-broken",
        "lock-truncated",
        "json-truncated",
        "json-not-object",
        "yaml-broken",
        "yaml-not-mapping",
    ],
)
def test_broken_dependency_files_raise_a_named_error(file_name: str, text: str) -> None:
    with pytest.raises(DependencyFileError, match=file_name.replace(".", r"\.")):
        read_dependencies(file_name, text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("requirements.txt", True),
        ("requirements-gpu.txt", True),
        ("dev-requirements.txt", True),
        ("requirements.in", True),
        ("pyproject.toml", True),
        ("uv.lock", True),
        ("notes.txt", False),
        ("package-lock.json", False),
        ("Cargo.lock", False),
    ],
)
def test_is_dependency_file(name: str, expected: bool) -> None:
    assert is_dependency_file(name) is expected
