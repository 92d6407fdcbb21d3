"""The evaluation corpus, built once per test session from the real libraries."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.artifacts.corpus.build import read_manifest
from tests.artifacts.corpus.recipe import Sample
from tests.conftest import REPO_ROOT

WRITERS = ("torch", "sklearn", "joblib", "keras", "h5py", "onnx", "gguf", "safetensors")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Sample]]:
    """``(root, samples)``: every corpus sample written under ``root``, with its manifest.

    Built in a child process, so torch, Keras and friends are never imported into the
    test process: scanner tests then also prove the scanner does not need them.
    """
    missing = [name for name in WRITERS if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"corpus writers not installed: {', '.join(missing)}")
    root = tmp_path_factory.mktemp("corpus")
    env = {**os.environ, "PYTHONHASHSEED": "0", "KERAS_BACKEND": "torch"}
    build = subprocess.run(
        [sys.executable, "-m", "tests.artifacts.corpus.build", str(root)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, f"corpus build failed:\n{build.stdout}\n{build.stderr}"
    return root, read_manifest(root)
