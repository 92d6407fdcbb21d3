from __future__ import annotations

import os
from pathlib import Path

import pytest

from stackward.dspm.readers import read_file, walk_files
from stackward.dspm.readers.files import is_excluded
from stackward.dspm.records import Location, ReadLimits


def items(root: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    return [location.item for _, location in walk_files(root, ReadLimits(), exclude)]


def test_walk_yields_relative_posix_items(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.csv").write_text("a\n")
    (tmp_path / "top.txt").write_text("t\n")
    for skipped in (".git", "node_modules", "__pycache__", ".venv"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "f.txt").write_text("no\n")
    walked = list(walk_files(tmp_path, ReadLimits()))
    assert [location.item for _, location in walked] == ["top.txt", "a/b/x.csv"]
    assert all(location.source == str(tmp_path) for _, location in walked)


def test_exclude_globs_add_to_defaults(tmp_path: Path) -> None:
    (tmp_path / "keep.csv").write_text("a\n")
    (tmp_path / "drop.log").write_text("a\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.csv").write_text("a\n")
    assert items(tmp_path, ("*.log", "build")) == ["keep.csv"]


def test_root_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("a\n")
    assert [(p, loc.item) for p, loc in walk_files(path, ReadLimits())] == [(path, "one.csv")]


def test_symlink_loop_and_links_out_of_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "data.txt").write_text("in\n")
    outside = tmp_path / "outside.txt"
    outside.write_text("secret outside\n")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "escape.txt").symlink_to(outside)
    (root / "escape_dir").symlink_to(tmp_path, target_is_directory=True)
    (root / "alias.txt").symlink_to(root / "sub" / "data.txt")
    (root / "dangling").symlink_to(root / "missing")
    (root / "self").symlink_to(root / "self")
    os.mkfifo(root / "pipe")
    os.link(root / "sub" / "data.txt", root / "hard.txt")
    assert items(root) == ["hard.txt"]  # no link followed; one file yielded once


def test_read_file_reports_unreadable(tmp_path: Path) -> None:
    contents = read_file(
        tmp_path / "missing.csv", Location(str(tmp_path), "missing.csv"), ReadLimits()
    )
    assert [c.kind for c in contents] == ["unreadable"]
    assert contents[0].problems[0].startswith("missing.csv: ")


def test_read_file_reads(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes(b"email\na@example.com\n")
    content = read_file(path, Location(str(tmp_path), "u.csv"), ReadLimits())[0]
    assert content.fields[0].values == ["a@example.com"]


@pytest.mark.parametrize(
    ("relative", "patterns", "excluded"),
    [
        ("a/.git/config", (".git",), True),
        ("a/b.log", ("*.log",), True),
        ("a/b.csv", ("*.log",), False),
        ("data/raw/x.csv", ("data/raw/*",), True),
        ("gitignore.txt", (".git",), False),
    ],
    ids=["part", "name-glob", "no-match", "path-glob", "not-a-substring"],
)
def test_is_excluded(relative: str, patterns: tuple[str, ...], excluded: bool) -> None:
    assert is_excluded(relative, patterns) is excluded
