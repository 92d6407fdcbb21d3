"""The generated stack is what it claims: exact sizes, valid inputs, the scanner's file kinds."""

from __future__ import annotations

import json
import pickletools
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from benchmarks.stackgen import generate_stack, size_for_scale
from benchmarks.stackgen.stack import FILES_DIR

from stackward.collectors.sniff import FileKind, sniff

SCALE = 0.004
UNSAFE_PICKLE_OPS = {"GLOBAL", "STACK_GLOBAL", "REDUCE", "INST", "OBJ", "NEWOBJ", "NEWOBJ_EX"}


@pytest.fixture(scope="module")
def stack_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_stack(tmp_path_factory.mktemp("bench") / "stack", SCALE, seed=7).root


def _k8s_objects(root: Path) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for path in sorted((root / "k8s").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            objects.extend(doc["items"] if doc["kind"] == "List" else [doc])
    return objects


def test_sizes_follow_the_scale() -> None:
    assert size_for_scale(1).k8s_objects == 50_000
    assert size_for_scale(1).files == 20_000
    assert size_for_scale(1).tf_resources == 5_000
    assert size_for_scale(4).k8s_objects == 200_000


def test_manifests_hold_exactly_the_requested_objects(stack_root: Path) -> None:
    objects = _k8s_objects(stack_root)
    assert len(objects) == size_for_scale(SCALE).k8s_objects
    for obj in objects:
        assert obj["apiVersion"] and obj["kind"] and obj["metadata"]["name"]
    kinds = Counter(o["kind"] for o in objects)
    assert {"Namespace", "Deployment", "Service", "Secret", "ServiceAccount"} <= set(kinds)


def test_some_manifest_files_are_lists(tmp_path: Path) -> None:
    root = generate_stack(tmp_path / "stack", 0.04, seed=7).root
    heads = [p.read_text(encoding="utf-8")[:200] for p in (root / "k8s").rglob("*.yaml")]
    assert any("kind: List" in h for h in heads)
    assert any("kind: List" not in h for h in heads)


def test_plan_has_the_requested_resources_and_configuration(stack_root: Path) -> None:
    plan = json.loads((stack_root / "terraform" / "plan.json").read_text(encoding="utf-8"))
    planned = plan["planned_values"]["root_module"]["resources"]
    configured = plan["configuration"]["root_module"]["resources"]
    assert len(planned) == len(configured) == len(plan["resource_changes"])
    assert len(planned) == size_for_scale(SCALE).tf_resources
    references = [
        e["references"]
        for r in configured
        for e in r["expressions"].values()
        if isinstance(e, dict) and "references" in e
    ]
    assert references, "the configuration links resources by reference"


def test_other_files_count_and_scanner_kinds(stack_root: Path) -> None:
    files = [p for p in (stack_root / FILES_DIR).rglob("*") if p.is_file()]
    assert len(files) == size_for_scale(SCALE).files
    kinds = Counter(sniff(p, p.stat().st_size)[0] for p in files)
    assert kinds[FileKind.MODEL_ARTIFACT] > 0
    assert kinds[FileKind.NOTEBOOK] > 0
    assert kinds[FileKind.DATASET] > 0
    assert sniff(stack_root / "terraform" / "plan.json", 1)[0] is FileKind.TERRAFORM_PLAN
    manifest = next((stack_root / "k8s").rglob("*.yaml"))
    assert sniff(manifest, manifest.stat().st_size)[0] is FileKind.K8S_MANIFEST


def test_pickles_are_plain_data(stack_root: Path) -> None:
    pickles = [
        p
        for p in (stack_root / FILES_DIR).rglob("*")
        if p.suffix in {".pkl", ".pt", ".bin"} and p.is_file()
    ]
    assert pickles
    for path in pickles:
        ops = {op.name for op, _, _ in pickletools.genops(path.read_bytes())}
        assert not ops & UNSAFE_PICKLE_OPS, path


def test_generation_is_reproducible(tmp_path: Path) -> None:
    first = generate_stack(tmp_path / "a" / "stack", SCALE, seed=3).root
    second = generate_stack(tmp_path / "b" / "stack", SCALE, seed=3).root
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
