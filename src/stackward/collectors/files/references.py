"""Resolves literal paths found in code and notebooks to files in the scan.

A literal is tried relative to the file that holds it, then relative to the scan root,
then by its trailing path components when exactly one scanned file ends that way. A
literal naming a directory links to every dataset or model file inside it. Relations
point the way an attacker who controls the code moves: code READS dataset, code
LOADS_MODEL model.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Sequence

from stackward.collectors.sniff import FileKind
from stackward.collectors.walk import FileEntry
from stackward.model import Relation, RelationKind

MAX_TARGETS_PER_LITERAL = 50
_RELATION_FOR: dict[FileKind, RelationKind] = {
    FileKind.DATASET: RelationKind.READS,
    FileKind.MODEL_ARTIFACT: RelationKind.LOADS_MODEL,
}


class TargetIndex:
    """Scanned datasets and models, looked up by path, directory and path suffix."""

    def __init__(self, entries: Iterable[FileEntry]) -> None:
        self._by_rel: dict[str, FileEntry] = {}
        self._by_tail: dict[str, list[FileEntry]] = defaultdict(list)
        self._by_dir: dict[str, list[FileEntry]] = defaultdict(list)
        for entry in entries:
            if entry.kind not in _RELATION_FOR:
                continue
            self._by_rel[entry.rel] = entry
            parts = entry.rel.split("/")
            for end in range(1, len(parts)):
                self._by_dir["/".join(parts[:end])].append(entry)
            for depth in (1, 2, 3):
                if len(parts) > depth:
                    self._by_tail["/".join(parts[-depth:])].append(entry)

    def resolve(self, literal: str, from_rel: str) -> list[FileEntry]:
        cleaned = literal.strip().replace("\\", "/")
        if not cleaned or cleaned in {".", "/", ".."}:
            return []
        here = posixpath.dirname(from_rel)
        root = from_rel.split("/", 1)[0]
        candidates = [] if cleaned.startswith("/") else [here, root]
        for base in candidates:
            path = posixpath.normpath(posixpath.join(base, cleaned))
            if path in self._by_rel:
                return [self._by_rel[path]]
            inside = self._by_dir.get(path, [])
            if inside and path != root:
                return sorted(inside, key=lambda e: e.rel)[:MAX_TARGETS_PER_LITERAL]
        return self._by_suffix(cleaned)

    def _by_suffix(self, cleaned: str) -> list[FileEntry]:
        parts = [p for p in posixpath.normpath(cleaned).split("/") if p not in {"", ".", ".."}]
        for depth in (3, 2, 1):
            if len(parts) < depth:
                continue
            matches = self._by_tail.get("/".join(parts[-depth:]), [])
            if len(matches) == 1:
                return matches
            if matches:
                return []
        return []


def relations_for(
    source: FileEntry, source_id: str, literals: Sequence[str], index: TargetIndex
) -> list[Relation]:
    """One relation per distinct scanned file the literals of ``source`` resolve to."""
    relations: dict[str, Relation] = {}
    for literal in literals:
        for target in index.resolve(literal, source.rel):
            target_id = f"file:{target.rel}"
            if target_id == source_id or target_id in relations:
                continue
            relations[target_id] = Relation(
                src=source_id,
                dst=target_id,
                kind=_RELATION_FOR[target.kind],
                properties={"literal": literal[:200]},
            )
    return list(relations.values())
