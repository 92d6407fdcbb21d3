"""Walks a directory tree once, safely, and says what each file is.

Symbolic links are never followed out of the tree and never into a loop; directories
are not followed through links at all. Every file that is left out for a reason other
than a configured exclude becomes a :class:`Skipped` with that reason.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stackward.collectors.sniff import FileKind, sniff
from stackward.model import Skipped

COLLECTOR = "files"


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: Path
    """Absolute path on disk (symlinks resolved)."""
    rel: str
    """Path relative to the scan root, POSIX style, prefixed with the root's name."""
    size: int
    kind: FileKind
    detail: str = ""
    """What sniffing learned (``pickle protocol 4``, ``pytorch zip``)."""


@dataclass(slots=True)
class WalkResult:
    files: list[FileEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _excluded(rel: str, patterns: Sequence[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def walk_tree(
    root: Path,
    exclude: Sequence[str] = (),
    max_files: int = 1_000_000,
) -> WalkResult:
    """Walk ``root`` and classify every regular file in it."""
    result = WalkResult()
    root = Path(os.path.abspath(root))  # noqa: PTH100 - keep symlinks in the root unresolved
    label = root.name or str(root)
    if not root.exists():
        result.skipped.append(Skipped(str(root), "path does not exist", COLLECTOR))
        return result
    if root.is_file():
        _add_file(root, label, root.parent, result)
        return result
    real_root = root.resolve()
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[Path, str]] = [(root, label)]
    while stack:
        directory, rel_dir = stack.pop()
        try:
            st = directory.stat()
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                result.skipped.append(Skipped(rel_dir, "directory loop", COLLECTOR))
                continue
            seen_dirs.add(key)
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            result.skipped.append(
                Skipped(rel_dir, f"cannot read directory: {exc.strerror}", COLLECTOR)
            )
            continue
        subdirs: list[tuple[Path, str]] = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}"
            if _excluded(rel, exclude):
                continue
            if len(result.files) >= max_files:
                result.skipped.append(
                    Skipped(
                        rel,
                        f"file limit of {max_files} reached; rest of tree not walked",
                        COLLECTOR,
                    )
                )
                return result
            try:
                if entry.is_symlink():
                    _add_symlink(Path(entry.path), rel, real_root, result)
                elif entry.is_dir(follow_symlinks=False):
                    subdirs.append((Path(entry.path), rel))
                elif entry.is_file(follow_symlinks=False):
                    _add_file(Path(entry.path), rel, real_root, result)
                else:
                    result.skipped.append(
                        Skipped(rel, "not a regular file (device, socket or pipe)", COLLECTOR)
                    )
            except OSError as exc:
                result.skipped.append(Skipped(rel, f"cannot stat: {exc.strerror}", COLLECTOR))
        stack.extend(reversed(subdirs))
    return result


def _add_symlink(path: Path, rel: str, real_root: Path, result: WalkResult) -> None:
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        result.skipped.append(Skipped(rel, "symbolic link loop", COLLECTOR))
        return
    except OSError as exc:
        reason = "symbolic link loop" if exc.errno == 40 else "dangling symbolic link"
        result.skipped.append(Skipped(rel, reason, COLLECTOR))
        return
    if not target.is_relative_to(real_root):
        result.skipped.append(
            Skipped(
                rel,
                f"symbolic link points outside the scanned tree ({target}); not followed",
                COLLECTOR,
            )
        )
        return
    if target.is_dir():
        # The target is inside the tree and is walked there; following it would count it twice.
        return
    if target.is_file():
        # Likewise a link to a file inside the tree: that file is scanned at its own path.
        return
    result.skipped.append(Skipped(rel, "symbolic link to a non-regular file", COLLECTOR))


def _add_file(path: Path, rel: str, real_root: Path, result: WalkResult) -> None:
    try:
        size = path.stat().st_size
        kind, detail = sniff(path, size)
    except OSError as exc:
        result.skipped.append(Skipped(rel, f"cannot read file: {exc.strerror}", COLLECTOR))
        return
    result.files.append(FileEntry(path=path, rel=rel, size=size, kind=kind, detail=detail))


def walk_all(roots: Iterable[Path], exclude: Sequence[str] = ()) -> WalkResult:
    total = WalkResult()
    for root in roots:
        part = walk_tree(root, exclude)
        total.files.extend(part.files)
        total.skipped.extend(part.skipped)
    return total
