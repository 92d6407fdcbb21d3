"""Reads manifest files into raw objects: multi-document YAML, JSON, ``kind: List`` dumps.

Each document is parsed on its own, so one malformed document becomes a :class:`Skipped`
naming the file and the document index while its neighbours still load. YAML is read only
with the safe loader; nothing in a manifest is ever executed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from stackward.collectors.kubernetes.raw import RawObject, as_list, as_str, metadata
from stackward.collectors.walk import FileEntry
from stackward.model import Skipped

COLLECTOR = "kubernetes"
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DOCUMENT_START = re.compile(r"^---(?:[ \t].*)?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SourcedObject:
    """A raw object and where it came from (``file#document`` or ``cluster/resource``)."""

    obj: RawObject
    location: str


@dataclass(slots=True)
class LoadResult:
    objects: list[SourcedObject]
    skipped: list[Skipped]


def load_manifest_file(entry: FileEntry, max_bytes: int) -> LoadResult:
    """Every Kubernetes object in one file; problems become skips, never exceptions."""
    result = LoadResult([], [])
    if entry.size > max_bytes:
        result.skipped.append(
            Skipped(
                entry.rel,
                f"file is {entry.size} bytes, over the parse limit of {max_bytes}",
                COLLECTOR,
            )
        )
        return result
    try:
        text = entry.path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        result.skipped.append(Skipped(entry.rel, f"cannot read file: {exc.strerror}", COLLECTOR))
        return result
    except UnicodeDecodeError as exc:
        result.skipped.append(Skipped(entry.rel, f"not UTF-8 text ({exc.reason})", COLLECTOR))
        return result
    for index, document in _documents(text, entry.rel, result.skipped):
        location = f"{entry.rel}#{index}"
        if document is None:
            continue
        _add_document(document, location, result)
    return result


def _documents(text: str, rel: str, skipped: list[Skipped]) -> Iterator[tuple[int, object]]:
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except ValueError:
            pass  # YAML is a superset of JSON in practice; let the YAML parser report it
        else:
            yield from enumerate(parsed if isinstance(parsed, list) else [parsed])
            return
    try:
        # Fast path: one parser over the whole stream. Only a file with a broken document
        # pays for parsing document by document.
        documents = list(yaml.load_all(text, Loader=_SAFE_LOADER))
    except (yaml.YAMLError, ValueError, RecursionError):
        pass
    else:
        yield from enumerate(documents)
        return
    chunks = [c for c in _DOCUMENT_START.split(text) if c.strip()]
    for index, chunk in enumerate(chunks):
        try:
            yield index, yaml.load(chunk, Loader=_SAFE_LOADER)  # noqa: S506 - safe loader
        except yaml.YAMLError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            skipped.append(
                Skipped(f"{rel}#{index}", f"malformed YAML document{where}: {reason}", COLLECTOR)
            )
        except (ValueError, RecursionError) as exc:
            skipped.append(Skipped(f"{rel}#{index}", f"unreadable document: {exc}", COLLECTOR))


def _add_document(document: object, location: str, result: LoadResult) -> None:
    if not isinstance(document, dict):
        result.skipped.append(
            Skipped(location, f"not a Kubernetes object (a {type(document).__name__})", COLLECTOR)
        )
        return
    for obj, where in expand_lists(document, location):
        problem = _shape_problem(obj)
        if problem:
            result.skipped.append(Skipped(where, problem, COLLECTOR))
        else:
            result.objects.append(SourcedObject(obj, where))


def expand_lists(obj: RawObject, location: str) -> Iterator[tuple[RawObject, str]]:
    """Yield the items of ``kind: List`` / ``*List`` objects (recursively), else the object."""
    kind = as_str(obj.get("kind"))
    if kind.endswith("List") and isinstance(obj.get("items"), list):
        item_kind = kind[: -len("List")]
        for i, item in enumerate(as_list(obj.get("items"))):
            where = f"{location}/items/{i}"
            if not isinstance(item, dict):
                yield {"kind": None, "_not_an_object": True}, where
                continue
            if not item.get("kind") and item_kind:
                item = {**item, "kind": item_kind}
            yield from expand_lists(item, where)
        return
    yield obj, location


def _shape_problem(obj: RawObject) -> str:
    if obj.get("_not_an_object"):
        return "list item is not a Kubernetes object"
    if not as_str(obj.get("kind")):
        return "document has no kind"
    if not as_str(metadata(obj).get("name")):
        return f"{as_str(obj.get('kind'))} has no metadata.name"
    return ""
