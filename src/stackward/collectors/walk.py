"""Walks a directory tree once, safely, and says what each file is.

Symbolic links are never followed out of the tree and never into a loop; directories
are not followed through links at all. Every file that is left out for a reason other
than a configured exclude becomes a :class:`Skipped` with that reason.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stackward.collectors.sniff import FileKind, sniff
from stackward.model import Skipped

COLLECTOR = "files"
MAX_DEPTH = 128
"""Directories nested deeper than this are reported, not walked (path-length bombs)."""
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def display_name(name: str) -> str:
    """A file name made safe for ids, reports and terminals.

    Names that are not valid UTF-8 (kept by Python as surrogate escapes) and names with
    control characters such as newlines are shown with backslash escapes; the file on disk
    is still opened by its real path.
    """
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


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
    label = display_name(root.name or str(root))
    try:
        root_mode = root.stat().st_mode
    except OSError as exc:
        reason = "path does not exist" if exc.errno == errno.ENOENT else _why(exc)
        result.skipped.append(Skipped(display_name(str(root)), reason, COLLECTOR))
        return result
    if stat.S_ISREG(root_mode):
        _add_file(root, label, result)
        return result
    if not stat.S_ISDIR(root_mode):
        result.skipped.append(Skipped(label, _special_reason(root_mode), COLLECTOR))
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
                Skipped(rel_dir, f"cannot read directory: {_why(exc)}", COLLECTOR)
            )
            continue
        subdirs: list[tuple[Path, str]] = []
        for entry in entries:
            rel = f"{rel_dir}/{display_name(entry.name)}"
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
                    if rel.count("/") > MAX_DEPTH:
                        result.skipped.append(
                            Skipped(
                                rel,
                                f"directory nested deeper than {MAX_DEPTH} levels; not walked",
                                COLLECTOR,
                            )
                        )
                    else:
                        subdirs.append((Path(entry.path), rel))
                elif entry.is_file(follow_symlinks=False):
                    _add_file(Path(entry.path), rel, result)
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    result.skipped.append(Skipped(rel, _special_reason(mode), COLLECTOR))
            except OSError as exc:
                result.skipped.append(Skipped(rel, f"cannot stat: {_why(exc)}", COLLECTOR))
        stack.extend(reversed(subdirs))
    return result


def _add_symlink(path: Path, rel: str, real_root: Path, result: WalkResult) -> None:
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        result.skipped.append(Skipped(rel, "symbolic link loop", COLLECTOR))
        return
    except OSError as exc:
        reason = "symbolic link loop" if exc.errno == errno.ELOOP else "dangling symbolic link"
        result.skipped.append(Skipped(rel, reason, COLLECTOR))
        return
    if not target.is_relative_to(real_root) and _hub_snapshot_link(path, target):
        _add_file(target, rel, result)
        return
    if not target.is_relative_to(real_root):
        result.skipped.append(
            Skipped(
                rel,
                "symbolic link points outside the scanned tree"
                f" ({display_name(str(target))}); not followed",
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


def _hub_snapshot_link(link: Path, target: Path) -> bool:
    """A Hugging Face cache link ``<repo>/snapshots/<rev>/…/file -> <repo>/blobs/<hash>``.

    Scanning one snapshot directory must read its files, whose bytes live in the sibling
    ``blobs`` directory of the same repository; nothing else outside the tree is followed.
    """
    for parent in link.parents:
        if parent.parent.name == "snapshots":
            repo = parent.parent.parent
            return (
                repo.name.startswith(("models--", "datasets--", "spaces--"))
                and target.parent.name == "blobs"
                and target.parent.parent == repo.resolve()
                and target.is_file()
            )
    return False


def _add_file(path: Path, rel: str, result: WalkResult) -> None:
    try:
        size = path.stat().st_size
        kind, detail = sniff(path, size)
    except OSError as exc:
        result.skipped.append(Skipped(rel, f"cannot read file: {_why(exc)}", COLLECTOR))
        return
    except (ValueError, MemoryError, RecursionError) as exc:
        result.skipped.append(
            Skipped(rel, f"cannot classify file: {type(exc).__name__}: {exc}", COLLECTOR)
        )
        return
    result.files.append(FileEntry(path=path, rel=rel, size=size, kind=kind, detail=detail))


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _special_reason(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        what = "a named pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    else:
        what = "not a regular file"
    return f"{what}; not read"


def walk_all(roots: Iterable[Path], exclude: Sequence[str] = ()) -> WalkResult:
    total = WalkResult()
    for root in roots:
        part = walk_tree(root, exclude)
        total.files.extend(part.files)
        total.skipped.extend(part.skipped)
    return total
