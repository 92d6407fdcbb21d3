"""Results rolled up the hierarchy of their store: bucket → prefix, database → schema.

Items are objects, files and tables; a security engineer first asks which prefix or schema
holds what ("raw/ holds emails and card numbers, curated/ holds none"). Each group counts its
items, the items holding sensitive data, the bytes read and the occurrences per class.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from stackward.dspm.classify import is_database
from stackward.dspm.results import ItemResult

DEFAULT_DEPTH = 2
LISTING_KINDS = frozenset({"s3.listing"})


@dataclass(slots=True)
class Group:
    source: str
    prefix: str
    """``""`` for the whole source; ``raw/2024/`` under a bucket or folder, ``public.`` for a
    database schema."""
    items: int = 0
    items_with_data: int = 0
    bytes_read: int = 0
    classes: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "prefix": self.prefix,
            "items": self.items,
            "items_with_data": self.items_with_data,
            "bytes_read": self.bytes_read,
            "classes": dict(sorted(self.classes.items())),
        }


def prefixes(source: str, item: str, depth: int = DEFAULT_DEPTH) -> list[str]:
    """The groups an item belongs to: the whole source, then each parent up to ``depth``.
    Tables sit in their schema (``public.users`` → ``public.``); paths in their folders."""
    found = [""]
    if is_database(source):
        schema, dot, _ = item.partition(".")
        if dot and depth >= 1:
            found.append(f"{schema}.")
        return found
    parts = item.split("/")[:-1]
    for level in range(1, min(depth, len(parts)) + 1):
        found.append("/".join(parts[:level]) + "/")
    return found


def rollup(items: Iterable[ItemResult], depth: int = DEFAULT_DEPTH) -> list[Group]:
    """Groups in source order, each source's groups sorted by prefix."""
    groups: dict[tuple[str, str], Group] = {}
    for item in items:
        if item.kind in LISTING_KINDS:
            continue
        source = item.location.source
        classes = item.classes()
        for prefix in prefixes(source, item.location.item, depth):
            group = groups.get((source, prefix))
            if group is None:
                group = groups[(source, prefix)] = Group(source, prefix)
            group.items += 1
            group.bytes_read += item.bytes_read
            if classes:
                group.items_with_data += 1
            for cls, summary in classes.items():
                group.classes[cls] = group.classes.get(cls, 0) + summary.count
    order = {source: index for index, (source, _) in enumerate(groups)}
    return sorted(groups.values(), key=lambda g: (order[g.source], g.prefix))
