"""Local paths: the regular files under a root, and reading one of them.

The walk follows no symlink at all: a directory link could loop or lead out of the root,
a file link could point at ``/etc/shadow`` from a shared folder, and a link to a file
inside the root is pointless since the walk reaches that file under its own name. Hard
links to one file are yielded once.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from stackward.artifacts.source import FileSource, SourceError
from stackward.dspm.readers.content import read_content
from stackward.dspm.readers.formats import problem
from stackward.dspm.records import ItemContent, Location, ReadLimits

DEFAULT_EXCLUDES = (".git", "node_modules", "__pycache__", ".venv")


def is_excluded(relative: str, patterns: Sequence[str]) -> bool:
    """A glob matches the relative posix path or any one of its parts."""
    parts = relative.split("/")
    return any(
        fnmatch.fnmatchcase(relative, pattern)
        or any(fnmatch.fnmatchcase(p, pattern) for p in parts)
        for pattern in patterns
    )


def walk_files(
    root: Path, limits: ReadLimits, exclude: Sequence[str] = ()
) -> Iterator[tuple[Path, Location]]:
    """Regular files under root (or root itself if a file), not following symlinks out of
    root, loop-safe, skipping excluded globs (default excludes .git, node_modules,
    __pycache__, .venv). Location.source = str(root), item = posix path relative to root.

    ``limits`` is accepted for symmetry with the other readers; the walk itself reads no
    content.
    """
    del limits
    patterns = (*DEFAULT_EXCLUDES, *exclude)
    if root.is_file():  # named by the user, so read even if it is a link
        yield root, Location(str(root), root.name)
        return
    seen: set[tuple[int, int]] = set()
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(directory)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not is_excluded(base.joinpath(d).relative_to(root).as_posix(), patterns)
        )
        for name in sorted(filenames):
            path = base / name
            relative = path.relative_to(root).as_posix()
            if is_excluded(relative, patterns):
                continue
            try:
                status = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(status.st_mode):
                continue
            identity = (status.st_dev, status.st_ino)
            if identity in seen:
                continue
            seen.add(identity)
            yield path, Location(str(root), relative)


def read_file(path: Path, location: Location, limits: ReadLimits) -> list[ItemContent]:
    """Open with FileSource and read; an unreadable file gives one ``unreadable`` item."""
    try:
        source = FileSource(path, name=location.item)
    except SourceError as exc:
        return [
            ItemContent(
                location, "unreadable", sampling="not read", problems=[problem(location, str(exc))]
            )
        ]
    try:
        return read_content(source, location, limits)
    finally:
        source.close()
