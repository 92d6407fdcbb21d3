"""Readers: turn files, objects and archive members into free text and field samples.

:func:`read_content` reads the bytes of one item whatever their format;
:func:`walk_files` and :func:`read_file` do the same for a local directory tree.
"""

from __future__ import annotations

from stackward.dspm.readers.content import read_content
from stackward.dspm.readers.files import read_file, walk_files

__all__ = ["read_content", "read_file", "walk_files"]
