"""Sizes a synthetic stack for a scale and writes it once (reused while it is unchanged)."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.stackgen.files import write_files
from benchmarks.stackgen.manifests import write_manifests
from benchmarks.stackgen.terraform import write_plan

GENERATOR_VERSION = 1
"""Bump when the generated content changes, so cached stacks are rebuilt."""

K8S_OBJECTS_AT_1X = 50_000
FILES_AT_1X = 20_000
TF_RESOURCES_AT_1X = 5_000
NAMESPACES_AT_1X = 280

MANIFEST_DIR = "k8s"
FILES_DIR = "repos"
PLAN_DIR = "terraform"
PLAN_FILE = "plan.json"
SUMMARY_FILE = "stack.json"


@dataclass(frozen=True, slots=True)
class StackSize:
    k8s_objects: int
    files: int
    tf_resources: int
    namespaces: int


@dataclass(frozen=True, slots=True)
class StackSummary:
    """What was generated, where; ``root`` is the directory to scan."""

    scale: float
    seed: int
    size: StackSize
    manifest_files: int
    root: Path

    @property
    def manifests(self) -> Path:
        return self.root / MANIFEST_DIR

    @property
    def plan(self) -> Path:
        return self.root / PLAN_DIR / PLAN_FILE


def size_for_scale(scale: float) -> StackSize:
    return StackSize(
        k8s_objects=max(1, round(K8S_OBJECTS_AT_1X * scale)),
        files=max(1, round(FILES_AT_1X * scale)),
        tf_resources=max(1, round(TF_RESOURCES_AT_1X * scale)),
        namespaces=max(1, round(NAMESPACES_AT_1X * scale)),
    )


def _fingerprint(scale: float, seed: int) -> dict[str, object]:
    return {"generator": GENERATOR_VERSION, "scale": scale, "seed": seed}


def _load_cached(root: Path, scale: float, seed: int) -> StackSummary | None:
    marker = root.parent / f"{root.name}.{SUMMARY_FILE}"
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != _fingerprint(scale, seed) or not root.is_dir():
        return None
    return StackSummary(
        scale=scale,
        seed=seed,
        size=StackSize(**data["size"]),
        manifest_files=int(data["manifest_files"]),
        root=root,
    )


def generate_stack(root: Path, scale: float, seed: int) -> StackSummary:
    """Write the stack for ``scale`` under ``root`` (replacing what is there) and describe it.

    The summary is kept beside ``root`` (not inside, so it is not scanned); a later call with
    the same scale, seed and generator version reuses the files instead of writing them again.
    """
    cached = _load_cached(root, scale, seed)
    if cached is not None:
        return cached
    size = size_for_scale(scale)
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(f"stackward-bench:{seed}:{scale}")
    manifest_files = write_manifests(root / MANIFEST_DIR, rng, size.k8s_objects, size.namespaces)
    write_files(root / FILES_DIR, rng, size.files)
    write_plan(root / PLAN_DIR / PLAN_FILE, rng, size.tf_resources)
    summary = StackSummary(scale, seed, size, manifest_files, root)
    marker = root.parent / f"{root.name}.{SUMMARY_FILE}"
    marker.write_text(
        json.dumps(
            {
                "fingerprint": _fingerprint(scale, seed),
                "size": asdict(size),
                "manifest_files": manifest_files,
            }
        ),
        encoding="utf-8",
    )
    return summary
