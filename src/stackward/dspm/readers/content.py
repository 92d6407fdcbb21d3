"""Read one item (a file's or object's bytes) into :class:`ItemContent`, whatever its format.

The format is decided by content first (magic bytes, the shape of the first characters),
by the name second, so a ``.txt`` that is really gzip is decompressed and a ``.csv``
that is really JSON Lines is read as records. Nothing here raises on bad input.
"""

from __future__ import annotations

import json
import posixpath

from stackward.artifacts.source import ByteSource
from stackward.dspm.readers.formats import problem
from stackward.dspm.readers.formats.archives import read_compressed, read_zip
from stackward.dspm.readers.formats.delimited import read_delimited
from stackward.dspm.readers.formats.jsondoc import read_json, read_jsonl
from stackward.dspm.readers.formats.lines import HEAD_BYTES, detect_encoding, read_head
from stackward.dspm.readers.formats.notebook import read_notebook
from stackward.dspm.readers.formats.sqlite import read_sqlite
from stackward.dspm.readers.formats.text import read_binary, read_text
from stackward.dspm.records import ItemContent, Location, ReadLimits

__all__ = ["detect_format", "read_content"]

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PAR1", "parquet"),
    (b"SQLite format 3\x00", "sqlite"),
)
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".ipynb": "notebook",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
    ".gz": "gzip",
    ".bz2": "bz2",
    ".xz": "xz",
    ".zip": "zip",
}
ARCHIVES = frozenset({"gzip", "bz2", "xz", "zip"})


def extension_format(item: str) -> str | None:
    name = posixpath.basename(item.rsplit("!", 1)[-1]).lower()
    return _EXTENSIONS.get(posixpath.splitext(name)[1])


def _json_shape(text: str) -> str | None:
    """``json``, ``jsonl`` or ``notebook`` from the first characters and lines, else None."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("{", "[")):
        return None
    first, _, rest = stripped.partition("\n")
    try:
        json.loads(first)
    except ValueError:
        return "notebook" if '"cells"' in stripped[:4096] and '"nbformat"' in stripped else "json"
    if rest.lstrip(" \t\r\n").startswith(("{", "[")):
        return "jsonl"
    return "json"


def detect_format(head: bytes, item: str) -> str:
    """The format of an item from its first bytes and, failing that, its name."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    by_name = extension_format(item)
    shape = _json_shape(head[:HEAD_BYTES].decode("utf-8", errors="replace"))
    if shape is not None:
        return by_name if by_name in ("notebook", "jsonl") else shape
    if by_name in ("csv", "tsv", "json", "jsonl", "notebook", "parquet", "sqlite"):
        return by_name
    return "text"


def read_content(
    source: ByteSource, location: Location, limits: ReadLimits, depth: int = 0
) -> list[ItemContent]:
    """Read one item (a file's or object's bytes) into ItemContent(s).

    The format is detected by content first (magic bytes: gzip, zip, Parquet ``PAR1``,
    SQLite ``SQLite format 3\\0``; JSON, JSON Lines and notebooks by their first characters
    and structure), by extension second. An archive yields one ItemContent per member
    (``outer.zip!inner.csv``), nested up to ``limits.max_depth``. Never raises on bad input:
    problems go into ``ItemContent.problems``.
    """
    try:
        return _read(source, location, limits, depth)
    except Exception as exc:  # a reader bug or an unforeseen input must not stop the scan
        size: int | None
        try:
            size = source.size
        except Exception:
            size = None
        reason = f"{type(exc).__name__}: {exc}"
        return [
            ItemContent(
                location,
                "unreadable",
                bytes_total=size,
                sampling="not read",
                problems=[problem(location, f"not read ({reason})")],
            )
        ]


def _read(
    source: ByteSource, location: Location, limits: ReadLimits, depth: int
) -> list[ItemContent]:
    head = read_head(source)
    kind = detect_format(head, location.item)
    if kind in ARCHIVES and depth > limits.max_depth:
        refused = ItemContent(location, kind, bytes_total=source.size, sampling="not read")
        refused.problems.append(
            problem(location, f"archive nested deeper than {limits.max_depth} levels; not opened")
        )
        return [refused]
    if kind == "zip":
        return read_zip(source, location, limits, depth, read_content)
    if kind in ARCHIVES:
        return read_compressed(source, location, limits, depth, kind, read_content)
    if kind == "parquet":
        from stackward.dspm.readers.formats.parquet import read_parquet  # pyarrow: 0.3 s

        return [read_parquet(source, location, limits)]
    if kind == "sqlite":
        return read_sqlite(source, location, limits)
    decoding = detect_encoding(head, complete=len(head) >= source.size)
    if decoding.binary:
        return [read_binary(source, location)]
    if kind in ("csv", "tsv"):
        return [read_delimited(source, location, limits, decoding, kind)]
    if kind == "jsonl":
        return [read_jsonl(source, location, limits, decoding)]
    if kind == "json":
        strict = extension_format(location.item) == "json"
        return [read_json(source, location, limits, decoding, strict)]
    if kind == "notebook":
        return [read_notebook(source, location, limits, decoding)]
    return [read_text(source, location, limits, decoding)]
