"""Namespaces and their network policies, and the manifest files the objects are written to.

Objects of a namespace go to multi-document YAML files of at most ``DOCS_PER_FILE`` documents;
every ``LIST_FILE_EVERY``-th file is one ``kind: List`` instead, as ``kubectl get -o yaml`` writes.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from benchmarks.stackgen.kubernetes import WEAKNESS_RATES, Manifest, app_objects

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

DOCS_PER_FILE = 200
LIST_FILE_EVERY = 8


def _meta(name: str, namespace: str) -> dict[str, str]:
    return {"name": name, "namespace": namespace}


def namespace_objects(ns: str, ai_namespace: bool, default_deny: bool) -> list[Manifest]:
    """The namespace itself and its network policies (default deny unless planted otherwise)."""
    labels = {"team": ns.rsplit("-", 1)[0], "stackward.bench/ai": str(ai_namespace).lower()}
    objects: list[Manifest] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": labels}}
    ]
    if default_deny:
        objects.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": _meta("default-deny", ns),
                "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
            }
        )
    objects.append(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": _meta("allow-ingress-controller", ns),
            "spec": {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
                                }
                            }
                        ]
                    }
                ],
            },
        }
    )
    return objects


def _dump_documents(objects: list[Manifest]) -> str:
    return yaml.dump_all(objects, Dumper=_DUMPER, sort_keys=False, default_flow_style=False)


def write_manifest_file(path: Path, objects: list[Manifest], as_list: bool) -> None:
    """Write objects as a multi-document YAML file, or as one ``kind: List``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if as_list:
        text = yaml.dump(
            {"apiVersion": "v1", "kind": "List", "items": objects}, Dumper=_DUMPER, sort_keys=False
        )
    else:
        text = _dump_documents(objects)
    path.write_text(text, encoding="utf-8")


def write_manifests(root: Path, rng: random.Random, total: int, namespaces: int) -> int:
    """Write exactly ``total`` objects spread over ``namespaces`` namespaces; return file count."""
    per_namespace = max(1, -(-total // namespaces))
    written = 0
    files = 0
    ns_index = 0
    while written < total:
        ai_namespace = ns_index % 4 != 3
        team = ("ml", "genai", "research", "shop")[ns_index % 4]
        ns = f"{team}-{ns_index:04d}"
        default_deny = rng.random() >= WEAKNESS_RATES["namespace_without_default_deny"]
        objects = namespace_objects(ns, ai_namespace, default_deny)
        app = 0
        while len(objects) < per_namespace:
            objects.extend(app_objects(rng, ns, app, ai_namespace))
            app += 1
        objects = objects[: min(per_namespace, total - written)]
        for start in range(0, len(objects), DOCS_PER_FILE):
            chunk = objects[start : start + DOCS_PER_FILE]
            as_list = files % LIST_FILE_EVERY == LIST_FILE_EVERY - 1
            write_manifest_file(
                root / ns / f"manifests-{start // DOCS_PER_FILE:02d}.yaml", chunk, as_list
            )
            files += 1
        written += len(objects)
        ns_index += 1
    return files
