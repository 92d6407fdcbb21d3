"""Builds walked entries from fixture files, exactly as the scan pipeline would."""

from __future__ import annotations

from pathlib import Path

from stackward.collectors.walk import FileEntry, walk_tree

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def entry_for(relative: str) -> FileEntry:
    """The walked entry of one fixture file (its ``rel`` is the file name)."""
    walked = walk_tree(FIXTURES / relative)
    assert not walked.skipped, walked.skipped
    (entry,) = walked.files
    return entry
