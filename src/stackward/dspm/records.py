"""What readers hand to the classifiers: free text, and samples of structured fields.

A reader turns one item (a file, an object, a table, an archive member) into an
:class:`ItemContent`: units of free text to run the engine over (with their line numbers),
and one :class:`FieldSample` per column or field path of structured data. It also says how
much it read of how much (sampling is explicit and reported), and what it could not read
(``problems``: each names the item and the problem; a problem never stops the scan).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is, without ever holding a value or a credential.

    ``source`` is what the user named, credential-free (``/data/lake``,
    ``s3://training-data``, ``postgresql://db.internal:5432/crm``); ``item`` is the file path
    relative to it, the object key, ``schema.table``, or ``archive.zip!member.csv`` inside an
    archive; ``field`` is a column name, a JSON path (``$.user.email``, ``$.items[].card``) or a
    notebook place (``cells[3].outputs[0]``); ``line`` is 1-based in the item's text.
    """

    source: str
    item: str
    field: str | None = None
    line: int | None = None

    def with_field(self, name: str) -> Location:
        return Location(self.source, self.item, name, None)

    def with_line(self, line: int) -> Location:
        return Location(self.source, self.item, self.field, line)

    def __str__(self) -> str:
        where = self.item
        if self.field is not None:
            where += f" [{self.field}]"
        if self.line is not None:
            where += f":{self.line}"
        return where


@dataclass(slots=True)
class TextUnit:
    """Free text of one item (or one field of it). Units are at most a few MB each."""

    location: Location
    text: str
    first_line: int = 1
    """The item line number of the text's first line (for chunks after the first)."""
    line_map: list[int] | None = None
    """When the text's lines are not consecutive lines of the item (a notebook cell, whose
    lines sit inside the .ipynb JSON), the item line of each of its lines."""

    def item_line(self, text_line: int) -> int:
        """The item line of the text's line ``text_line`` (0-based)."""
        if self.line_map:
            return self.line_map[min(text_line, len(self.line_map) - 1)]
        return self.first_line + text_line


@dataclass(slots=True)
class FieldSample:
    """Values of one column / field path, as text, in sampled order."""

    location: Location
    """With ``field`` set."""
    name: str
    """The column name or the last key of the path: what the name prior looks at."""
    values: list[str]
    """Non-empty values only; at most the reader's sample size unless a full scan was asked."""
    rows_read: int
    """Rows (records) looked at for this field, empty values included."""
    rows_total: int | None
    """All rows of the item when known (a table's row count or estimate), else None."""
    lines: list[int] | None = None
    """For text formats (CSV, JSONL), the line of each value, parallel to ``values``."""


@dataclass(slots=True)
class ItemContent:
    location: Location
    kind: str
    """``csv``, ``tsv``, ``json``, ``jsonl``, ``parquet``, ``text``, ``notebook``,
    ``sqlite.table``, ``postgres.table``, ``binary`` (nothing read)..."""
    texts: list[TextUnit] = field(default_factory=list)
    fields: list[FieldSample] = field(default_factory=list)
    bytes_total: int | None = None
    bytes_read: int = 0
    rows_total: int | None = None
    rows_read: int = 0
    sampling: str = "full"
    """``full`` when everything was read; otherwise how it was sampled, in words
    (``first 8 MiB of 2.1 GB``, ``TABLESAMPLE SYSTEM (0.5) then LIMIT 1000``)."""
    problems: list[str] = field(default_factory=list)
    """Bad input, each naming the item and the problem (``line 7: unterminated quote``)."""

    @property
    def sampled(self) -> bool:
        return self.sampling != "full"


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much readers read. Defaults suit a scan of a whole data lake on a laptop."""

    max_bytes_per_item: int = 16 * 1024 * 1024
    """Bytes of text read from one item (head of the file/object); ``full_scan`` lifts it."""
    sample_rows: int = 10_000
    """Values per field for structured data; ``full_scan`` lifts it."""
    text_unit_bytes: int = 1024 * 1024
    """Free text is handed to the engine in chunks of about this size (on line ends)."""
    max_archive_members: int = 10_000
    max_expanded_bytes: int = 1024 * 1024 * 1024
    """Total bytes decompressed from one archive (gzip, zip) before it is cut short."""
    max_depth: int = 3
    """Archives inside archives."""
    full_scan: bool = False
    seed: int = 0
    """Random sampling is reproducible: the same seed samples the same rows."""
