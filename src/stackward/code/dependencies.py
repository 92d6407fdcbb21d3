"""AI packages declared in dependency files, with the version each pins.

Read formats: ``requirements*.txt`` (and ``*.in``), ``pyproject.toml`` (PEP 621
``[project]`` dependencies and optional dependencies, Poetry ``[tool.poetry.*dependencies]``),
``poetry.lock``, ``uv.lock``, ``Pipfile.lock`` and conda ``environment.yml``. Requirement
strings are parsed with :mod:`packaging.requirements`; TOML with :mod:`tomllib`; YAML with
``yaml.safe_load``. Only packages in the SDK catalog are kept. ``pinned`` is the exact
version when one is fixed (``==``, a lock file, conda ``=``), otherwise ``None`` with the
specifier kept as written.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from packaging.requirements import InvalidRequirement, Requirement

from stackward.code.catalog import SdkCatalog, load_catalog

MAX_DEPENDENCIES = 5000
_REQUIREMENTS = re.compile(r"^requirements[\w.-]*\.(?:txt|in)$|^[\w.-]*requirements\.txt$")
_DEPENDENCY_FILES = frozenset(
    {
        "pyproject.toml",
        "poetry.lock",
        "uv.lock",
        "Pipfile.lock",
        "environment.yml",
        "environment.yaml",
        "conda.yml",
        "conda.yaml",
    }
)
_CONDA_SPEC = re.compile(
    r"^(?P<name>[A-Za-z0-9][\w.-]*)\s*(?:(?P<op>==?|>=|<=|>|<|~=)\s*(?P<version>[^\s=]+))?"
)


@dataclass(frozen=True, slots=True)
class Dependency:
    name: str
    family: str
    category: str
    specifier: str
    pinned: str | None
    line: int | None = None

    def as_property(self) -> dict[str, object]:
        return {
            "name": self.name,
            "family": self.family,
            "category": self.category,
            "specifier": self.specifier,
            "pinned": self.pinned,
            "line": self.line,
        }


class DependencyFileError(ValueError):
    """The file is not a readable dependency file of its kind."""


def is_dependency_file(file_name: str) -> bool:
    return file_name in _DEPENDENCY_FILES or bool(_REQUIREMENTS.match(file_name))


def read_dependencies(
    file_name: str, text: str, catalog: SdkCatalog | None = None
) -> list[Dependency]:
    """The AI packages ``text`` (a file named ``file_name``) declares, sorted by name."""
    table = catalog or load_catalog()
    found: dict[str, Dependency] = {}
    for name, specifier, pinned, line in _entries(file_name, text):
        component = table.for_distribution(name)
        if component is None or component.name in found:
            continue
        found[component.name] = Dependency(
            component.name, component.family, component.category, specifier, pinned, line
        )
        if len(found) >= MAX_DEPENDENCIES:
            break
    return sorted(found.values(), key=lambda d: d.name)


Entry = tuple[str, str, str | None, int | None]


def _entries(file_name: str, text: str) -> Iterator[Entry]:
    try:
        if _REQUIREMENTS.match(file_name):
            yield from _requirements(text)
        elif file_name == "pyproject.toml":
            yield from _pyproject(tomllib.loads(text))
        elif file_name in {"poetry.lock", "uv.lock"}:
            yield from _lock_packages(tomllib.loads(text))
        elif file_name == "Pipfile.lock":
            yield from _pipfile_lock(json.loads(text))
        else:
            yield from _conda(yaml.safe_load(text))
    except (ValueError, yaml.YAMLError) as exc:  # TOML, JSON and shape errors are ValueErrors
        raise DependencyFileError(f"not a readable {file_name}: {exc}") from exc
    except RecursionError as exc:
        raise DependencyFileError(f"not a readable {file_name}: nested too deeply") from exc


def _requirement(text: str, line: int | None = None) -> Entry | None:
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    specs = list(requirement.specifier)
    pinned = specs[0].version if len(specs) == 1 and specs[0].operator in {"==", "==="} else None
    return requirement.name, str(requirement.specifier), pinned, line


def _requirements(text: str) -> Iterator[Entry]:
    for number, raw in enumerate(text.splitlines()[: MAX_DEPENDENCIES * 4], start=1):
        line = raw.split(" #", 1)[0].split(" --", 1)[0].rstrip("\\ \t").strip()
        if not line or line.startswith(("#", "-", "git+", "http:", "https:", "file:", ".")):
            continue
        entry = _requirement(line, number)
        if entry is not None:
            yield entry


def _pyproject(document: dict[str, Any]) -> Iterator[Entry]:
    project = document.get("project")
    if isinstance(project, dict):
        yield from _requirement_list(project.get("dependencies"))
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for group in optional.values():
                yield from _requirement_list(group)
    groups = document.get("dependency-groups")
    if isinstance(groups, dict):
        for group in groups.values():
            yield from _requirement_list(group)
    tool = document.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        extra = poetry.get("group")
        if isinstance(extra, dict):
            tables += [g.get("dependencies") for g in extra.values() if isinstance(g, dict)]
        for table in tables:
            if isinstance(table, dict):
                yield from _poetry_table(table)


def _requirement_list(value: object) -> Iterator[Entry]:
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            entry = _requirement(item)
            if entry is not None:
                yield entry


def _poetry_table(table: dict[str, Any]) -> Iterator[Entry]:
    """``name = "^1.2"`` or ``name = {version = "1.2", ...}``; Poetry's ``^``/``~`` kept as is."""
    for name, value in table.items():
        spec = value.get("version") if isinstance(value, dict) else value
        spec = spec if isinstance(spec, str) else ""
        exact = spec.lstrip("=") if re.fullmatch(r"=?=?\d[\w.+!-]*", spec) else None
        yield str(name), spec, exact, None


def _lock_packages(document: dict[str, Any]) -> Iterator[Entry]:
    packages = document.get("package")
    for package in packages if isinstance(packages, list) else []:
        if isinstance(package, dict) and isinstance(package.get("name"), str):
            version = package.get("version")
            pinned = version if isinstance(version, str) else None
            yield package["name"], f"=={pinned}" if pinned else "", pinned, None


def _pipfile_lock(document: object) -> Iterator[Entry]:
    if not isinstance(document, dict):
        raise ValueError("top level is not an object")
    for section in ("default", "develop"):
        packages = document.get(section)
        for name, info in packages.items() if isinstance(packages, dict) else ():
            version = info.get("version") if isinstance(info, dict) else None
            spec = version if isinstance(version, str) else ""
            yield str(name), spec, spec.removeprefix("==") if spec.startswith("==") else None, None


def _conda(document: object) -> Iterator[Entry]:
    if not isinstance(document, dict):
        raise ValueError("top level is not a mapping")
    yield from _conda_list(document.get("dependencies"))


def _conda_list(items: object) -> Iterator[Entry]:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            yield from _requirement_list(item.get("pip"))
        elif isinstance(item, str):
            spec = item.split("::", 1)[-1].strip()
            match = _CONDA_SPEC.match(spec)
            if match is None:
                continue
            version = match.group("version")
            exact = (
                version if match.group("op") in {"=", "=="} and "*" not in (version or "") else None
            )
            yield match.group("name"), spec[len(match.group("name")) :].strip(), exact, None


def dependency_properties(dependencies: Iterable[Dependency]) -> list[dict[str, object]]:
    return [d.as_property() for d in dependencies]
