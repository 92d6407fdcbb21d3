"""Registered-model aliases of an MLflow file store, and which alias names mean production.

MLflow 3 keeps a registered model's aliases twice in a file store: as an ``aliases`` mapping
(alias → version) in ``models/<name>/meta.yaml`` and as one small file per alias in
``models/<name>/aliases/<alias>`` holding the version number. Both are read; the mapping wins
where they disagree, since it is what the library itself reads back. The REST collector uses
the same alias names to decide what is in production, so a store and a server agree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

PRODUCTION_ALIASES = frozenset({"production", "prod", "champion", "live"})
"""Alias names that say a version is the one production loads."""
MAX_ALIASES = 1_000
"""Aliases read per registered model; the rest are reported as not read."""
MAX_ALIAS_FILE_BYTES = 64
_VERSION = re.compile(r"^\d{1,12}$")
_ALIAS = re.compile(r"^[A-Za-z0-9_.\-]{1,255}$")


def is_production(stage: str | None, aliases: Iterable[str]) -> bool:
    """A version is in production when its stage says so or an alias names production."""
    return (stage or "").lower() == "production" or any(
        a.lower() in PRODUCTION_ALIASES for a in aliases
    )


def aliases_by_version(
    model_dir: Path, meta: Mapping[str, Any] | None
) -> tuple[dict[str, list[str]], list[str]]:
    """Version → sorted alias names for one registered model, and the problems met on the way
    (an unreadable alias file, too many aliases). Symbolic links are not followed."""
    found: dict[str, str] = {}
    problems: list[str] = []
    declared = meta.get("aliases") if meta is not None else None
    for alias, version in declared.items() if isinstance(declared, Mapping) else ():
        if len(found) >= MAX_ALIASES:
            problems.append(f"more than {MAX_ALIASES} aliases; the rest were not read")
            break
        text = (
            str(version) if isinstance(version, int | str) and not isinstance(version, bool) else ""
        )
        if isinstance(alias, str) and _ALIAS.match(alias) and _VERSION.match(text):
            found[alias] = text
    for alias, version, problem in _alias_files(model_dir / "aliases"):
        if problem:
            problems.append(problem)
        elif alias not in found and len(found) < MAX_ALIASES:
            found[alias] = version
    by_version: dict[str, list[str]] = {}
    for alias, version in found.items():
        by_version.setdefault(version, []).append(alias)
    return {v: sorted(a) for v, a in by_version.items()}, problems


def _alias_files(folder: Path) -> Iterable[tuple[str, str, str]]:
    """``(alias, version, "")`` per readable alias file, ``("", "", problem)`` otherwise."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return
        with os.scandir(folder) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_ALIASES:
                    yield (
                        "",
                        "",
                        f"{folder}: more than {MAX_ALIASES} alias files; the rest were not read",
                    )
                    return
                if not entry.is_file(follow_symlinks=False) or not _ALIAS.match(entry.name):
                    continue
                yield _alias_file(Path(entry.path))
    except OSError as exc:
        yield "", "", f"{folder}: cannot list directory: {exc.strerror or exc}"


def _alias_file(path: Path) -> tuple[str, str, str]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ALIAS_FILE_BYTES + 1)
    except OSError as exc:
        return "", "", f"{path}: cannot read: {exc.strerror or exc}"
    text = raw.decode("utf-8", errors="replace").strip()
    if len(raw) > MAX_ALIAS_FILE_BYTES or not _VERSION.match(text):
        return "", "", f"{path}: not a model version number; alias not read"
    return path.name, text, ""
