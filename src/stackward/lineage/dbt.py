"""dbt ``manifest.json`` (schema v9 to v12): each model, seed and snapshot as a job.

A dbt model run reads its parents' relations and writes its own; sources are relations
that dbt reads but does not build. Ephemeral models have no relation: their parents are
passed through to their children. The manifest does not say which server the warehouse
is (the profile's host is not in it), so the configured ``namespace`` names it, in
OpenLineage form (``postgres://db.internal:5432``), and relation keys are built from it.
The manifest is data: it is parsed as JSON, nothing in it is run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from stackward.lineage.model import LineageModel
from stackward.lineage.naming import dataset_key_from_openlineage
from stackward.lineage.openlineage import DatasetRef

JOB_NAMESPACE = "dbt"
SUPPORTED_VERSIONS = range(9, 13)
MAX_MANIFEST_BYTES = 512 * 1024 * 1024
_BUILT = frozenset({"model", "seed", "snapshot"})
_VERSION = re.compile(r"/manifest/v(\d+)\.json$")


class ManifestError(ValueError):
    """A manifest that cannot be read; the message says why."""


def read_manifest(path: Path, namespace: str, model: LineageModel) -> int:
    """Add the manifest's jobs to ``model``; returns how many. :class:`ManifestError` if bad."""
    try:
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise ManifestError(f"manifest is larger than {MAX_MANIFEST_BYTES >> 20} MB")
        document = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise ManifestError(f"cannot read: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise ManifestError(f"not valid JSON: {exc}") from None
    if not isinstance(document, Mapping):
        raise ManifestError("not a dbt manifest: the top level is not an object")
    _check_version(document)
    nodes = _mapping(document, "nodes")
    sources = _mapping(document, "sources")
    relations = {uid: _relation(node, namespace) for uid, node in {**sources, **nodes}.items()}
    jobs = 0
    for uid, node in nodes.items():
        if not isinstance(node, Mapping) or node.get("resource_type") not in _BUILT:
            continue
        own = relations.get(uid)
        if own is None:  # ephemeral
            continue
        parents = _parent_relations(uid, nodes, relations)
        model.add_job(JOB_NAMESPACE, uid, str(path), parents, [own])
        jobs += 1
    return jobs


def _check_version(document: Mapping[str, Any]) -> None:
    metadata = document.get("metadata")
    version_url = metadata.get("dbt_schema_version") if isinstance(metadata, Mapping) else None
    match = _VERSION.search(version_url) if isinstance(version_url, str) else None
    if match is None:
        raise ManifestError("not a dbt manifest: metadata.dbt_schema_version is missing")
    version = int(match.group(1))
    if version not in SUPPORTED_VERSIONS:
        raise ManifestError(f"manifest schema v{version} is not supported (v9 to v12 are)")


def _mapping(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, Mapping):
        raise ManifestError(f"{key} is not an object")
    return value


def _relation(node: object, namespace: str) -> DatasetRef | None:
    """The table or view a node stands for; None for ephemeral models and non-relations."""
    if not isinstance(node, Mapping):
        return None
    if node.get("resource_type") not in (*_BUILT, "source"):
        return None
    config = node.get("config")
    if isinstance(config, Mapping) and config.get("materialized") == "ephemeral":
        return None
    table = node.get("identifier") or node.get("alias") or node.get("name")
    schema = node.get("schema")
    if not isinstance(table, str) or not isinstance(schema, str):
        return None
    database = node.get("database")
    name = f"{database}.{schema}.{table}" if isinstance(database, str) else f"{schema}.{table}"
    columns = node.get("columns")
    fields = tuple(str(c) for c in columns) if isinstance(columns, Mapping) else ()
    return DatasetRef(namespace, name, dataset_key_from_openlineage(namespace, name), fields)


def _parent_relations(
    uid: str, nodes: Mapping[str, Any], relations: Mapping[str, DatasetRef | None]
) -> list[DatasetRef]:
    """Parents' relations, looking through ephemeral models (each node visited once)."""
    found: dict[str, DatasetRef] = {}
    seen = {uid}
    pending = list(_depends_on(nodes.get(uid)))
    while pending:
        parent = pending.pop()
        if parent in seen:
            continue
        seen.add(parent)
        relation = relations.get(parent)
        if relation is not None:
            found[relation.key] = relation
        elif parent in nodes:
            pending.extend(_depends_on(nodes[parent]))
    return [found[key] for key in sorted(found)]


def _depends_on(node: object) -> list[str]:
    if not isinstance(node, Mapping):
        return []
    depends = node.get("depends_on")
    parents = depends.get("nodes") if isinstance(depends, Mapping) else None
    return [p for p in parents if isinstance(p, str)] if isinstance(parents, list) else []
