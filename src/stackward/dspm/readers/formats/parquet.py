"""Parquet: whole row groups chosen at random (seeded), only the columns worth classifying.

The footer gives the row count and the row groups; a large table is never read in full by
default: row groups are taken in a seeded random order until about ``sample_rows`` rows
are in hand, and only string, binary and integer leaf columns are decoded.
"""

from __future__ import annotations

import random
from itertools import compress

import pyarrow as pa
import pyarrow.parquet as pq

from stackward.artifacts.source import ByteSource, buffered
from stackward.dspm.readers.formats import problem
from stackward.dspm.records import FieldSample, ItemContent, Location, ReadLimits

_MIN_INTEGER_BITS = 32


def worth_classifying(data_type: pa.DataType) -> bool:
    """Text, bytes and wide integers (card numbers, phone numbers, ids); not floats/flags."""
    if pa.types.is_dictionary(data_type):
        return worth_classifying(data_type.value_type)
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return worth_classifying(data_type.value_type)
    if pa.types.is_integer(data_type):
        return bool(data_type.bit_width >= _MIN_INTEGER_BITS)
    return bool(
        pa.types.is_string(data_type)
        or pa.types.is_large_string(data_type)
        or pa.types.is_binary(data_type)
        or pa.types.is_large_binary(data_type)
    )


def leaf_columns(schema: pa.Schema) -> list[tuple[str, str, str]]:
    """``(top-level column, dotted leaf path, leaf name)`` of every leaf worth reading."""
    leaves: list[tuple[str, str, str]] = []
    stack: list[tuple[str, str, pa.Field]] = [(f.name, f.name, f) for f in reversed(schema)]
    while stack:
        top, path, column = stack.pop()
        if pa.types.is_struct(column.type):
            children = [column.type.field(i) for i in range(column.type.num_fields)]
            stack.extend((top, f"{path}.{c.name}", c) for c in reversed(children))
        elif worth_classifying(column.type):
            leaves.append((top, path, column.name))
    return leaves


def _texts(values: list[object]) -> list[str | None]:
    """Python values of a column as text (bytes decoded leniently; lists flattened)."""
    texts: list[str | None] = []
    for value in values:
        if isinstance(value, list):
            texts.append(" ".join(text for text in _texts(value) if text) or None)
        elif isinstance(value, bytes):
            texts.append(value.decode("utf-8", errors="replace"))
        elif value is None:
            texts.append(None)
        else:
            texts.append(str(value))
    return texts


def _column_values(column: pa.ChunkedArray) -> list[str]:
    """The non-blank texts of a column; strings and integers without a step per value."""
    data_type = column.type
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        present: list[str] = list(filter(None, column.to_pylist()))
        return list(compress(present, map(str.strip, present)))
    if pa.types.is_integer(data_type):
        return list(map(str, column.drop_null().to_pylist()))
    return [text for text in _texts(column.to_pylist()) if text and text.strip()]


def _flatten(table: pa.Table) -> pa.Table:
    while any(pa.types.is_struct(column.type) for column in table.schema):
        table = table.flatten()
    return table


def read_parquet(source: ByteSource, location: Location, limits: ReadLimits) -> ItemContent:
    content = ItemContent(location, "parquet", bytes_total=source.size)
    try:
        parquet = pq.ParquetFile(buffered(source))
    except (pa.ArrowException, OSError, ValueError) as exc:
        content.problems.append(problem(location, f"not a readable Parquet file: {exc}"))
        content.sampling = "not read"
        return content
    metadata = parquet.metadata
    content.rows_total = metadata.num_rows
    groups = list(range(metadata.num_row_groups))
    random.Random(limits.seed).shuffle(groups)  # noqa: S311 - sampling, not security
    chosen, rows = [], 0
    for group in groups:
        if rows >= limits.sample_rows and not limits.full_scan:
            break
        chosen.append(group)
        rows += metadata.row_group(group).num_rows
    chosen.sort()
    leaves = leaf_columns(parquet.schema_arrow)
    tops = sorted({top for top, _, _ in leaves})
    try:
        table = _flatten(parquet.read_row_groups(chosen, columns=tops)) if tops else None
    except (pa.ArrowException, OSError, ValueError) as exc:
        content.problems.append(problem(location, f"row groups {chosen} unreadable: {exc}"))
        table = None
    read_rows = table.num_rows if table is not None else 0
    keep = list(range(read_rows))
    if read_rows > limits.sample_rows and not limits.full_scan:
        keep = sorted(random.Random(limits.seed).sample(keep, limits.sample_rows))  # noqa: S311
    indices = pa.array(keep, type=pa.int64())  # converted once, not once per column
    for _, path, name in leaves:
        values: list[str] = []
        if table is not None and path in table.column_names:
            values = _column_values(table.column(path).take(indices))
        content.fields.append(
            FieldSample(location.with_field(path), name, values, len(keep), metadata.num_rows)
        )
    content.rows_read = read_rows
    content.bytes_read = sum(metadata.row_group(group).total_byte_size for group in chosen)
    if len(chosen) < metadata.num_row_groups:
        content.sampling = (
            f"{len(chosen)} of {metadata.num_row_groups} row groups "
            f"({read_rows:,} of {metadata.num_rows:,} rows)"
        )
    elif len(keep) < read_rows:
        content.sampling = f"{len(keep):,} of {read_rows:,} rows at random (seed {limits.seed})"
    return content
