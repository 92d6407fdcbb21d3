"""Build the evaluation corpus: ``python -m tests.artifacts.corpus.build OUT_DIR``.

Writes every benign and malicious sample under ``OUT_DIR`` and ``OUT_DIR/manifest.json``
(a list of :class:`Sample` dicts). Output is deterministic for a given set of library
versions; nothing written is ever loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

from tests.artifacts.corpus.benign import benign_recipes
from tests.artifacts.corpus.malicious import malicious_recipes
from tests.artifacts.corpus.recipe import Recipe, Sample

MANIFEST = "manifest.json"


def all_recipes() -> list[Recipe]:
    recipes = [*malicious_recipes(), *benign_recipes()]
    paths = [r.sample.path for r in recipes]
    duplicates = {p for p in paths if paths.count(p) > 1}
    if duplicates:
        raise ValueError(f"duplicate corpus paths: {sorted(duplicates)}")
    return recipes


def all_samples() -> list[Sample]:
    """The manifest without building anything (for test parametrisation)."""
    return [r.sample for r in all_recipes()]


def build_corpus(target: Path) -> list[Sample]:
    """Write every sample under ``target`` and the manifest beside them."""
    samples = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for recipe in all_recipes():
            path = target / recipe.sample.path
            path.parent.mkdir(parents=True, exist_ok=True)
            recipe.write(path)
            samples.append(recipe.sample)
    manifest = [sample.as_dict() for sample in samples]
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return samples


def read_manifest(target: Path) -> list[Sample]:
    raw: list[dict[str, str]] = json.loads((target / MANIFEST).read_text())
    return [Sample.from_dict(entry) for entry in raw]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.artifacts.corpus.build OUT_DIR", file=sys.stderr)
        return 2
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript writes set-ordered constants: pin str hashing so files are reproducible
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        command = [sys.executable, "-m", "tests.artifacts.corpus.build", *argv]
        return subprocess.run(command, env=env, check=False).returncode
    target = Path(argv[0])
    target.mkdir(parents=True, exist_ok=True)
    samples = build_corpus(target)
    bad = sum(s.label == "malicious" for s in samples)
    print(f"{len(samples)} samples ({bad} malicious, {len(samples) - bad} benign) in {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
