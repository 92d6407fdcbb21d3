"""The other files of an AI repository estate: notebooks, datasets, model files, code, logs.

Model files are recognised by their magic bytes. Pickles are plain data (dicts and lists) made
with the standard :mod:`pickle` module: they hold no callable and run nothing when loaded.
Safetensors files are tiny but well-formed. Credentials in configs are fake.
"""

from __future__ import annotations

import json
import pickle
import random
import struct
from collections.abc import Callable
from pathlib import Path

FileWriter = Callable[[random.Random, int], tuple[str, bytes]]
"""Returns (file name, content) for the n-th file of its kind."""

FAKE_CREDENTIAL_RATE = 0.05
"""Share of configs and notebooks that carry a (fake) hard-coded credential."""


def _notebook(rng: random.Random, n: int) -> tuple[str, bytes]:
    source = ["import pandas as pd\n", f"df = pd.read_csv('data/train-{n}.csv')\n"]
    if rng.random() < FAKE_CREDENTIAL_RATE:
        source.append(f"HF_TOKEN = 'bench-fake-{rng.randrange(16**8):08x}'\n")
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [
            {"cell_type": "markdown", "id": f"m{n}", "metadata": {}, "source": ["# Experiment"]},
            {
                "cell_type": "code",
                "id": f"c{n}",
                "metadata": {},
                "execution_count": 1,
                "source": source,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["rows: 1000\n"]}],
            },
        ],
    }
    return f"experiment-{n}.ipynb", json.dumps(nb, indent=1).encode()


def _csv(rng: random.Random, n: int) -> tuple[str, bytes]:
    rows = ["id,age,country,score,label"]
    countries = ("DE", "FR", "US", "JP")
    rows += [
        f"{i},{rng.randint(18, 90)},{rng.choice(countries)},{rng.random():.4f},{i % 2}"
        for i in range(rng.randint(20, 80))
    ]
    return f"features-{n}.csv", ("\n".join(rows) + "\n").encode()


def _jsonl(rng: random.Random, n: int) -> tuple[str, bytes]:
    lines = [
        json.dumps({"prompt": f"question {i}", "completion": f"answer {rng.randrange(1000)}"})
        for i in range(rng.randint(10, 40))
    ]
    return f"finetune-{n}.jsonl", ("\n".join(lines) + "\n").encode()


def _pickle(rng: random.Random, n: int) -> tuple[str, bytes]:
    state = {
        "weights": [[rng.random() for _ in range(8)] for _ in range(8)],
        "classes": ["cat", "dog"],
        "version": n,
    }
    name = rng.choice((f"model-{n}.pkl", f"checkpoint-{n}.pt", f"weights-{n}.bin"))
    return name, pickle.dumps(state, protocol=4)


def _safetensors(rng: random.Random, n: int) -> tuple[str, bytes]:
    values = [rng.random() for _ in range(16)]
    data = struct.pack("<16f", *values)
    header = json.dumps(
        {
            "__metadata__": {"format": "pt"},
            "linear.weight": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, len(data)]},
        }
    ).encode()
    return f"adapter-{n}.safetensors", struct.pack("<Q", len(header)) + header + data


def _code(rng: random.Random, n: int) -> tuple[str, bytes]:
    body = (
        '"""Training entry point."""\n\nimport torch\n\n\n'
        f"def train(epochs: int = {rng.randint(1, 50)}) -> None:\n"
        "    model = torch.nn.Linear(4, 2)\n"
        "    for _ in range(epochs):\n"
        "        model.zero_grad()\n"
    )
    return f"train_{n}.py", body.encode()


def _log(rng: random.Random, n: int) -> tuple[str, bytes]:
    lines = [
        f"2026-11-{1 + i % 28:02d}T10:{i % 60:02d}:00Z INFO inference request model=llm-{n} "
        f"tokens={rng.randint(10, 4000)} latency_ms={rng.randint(20, 900)}"
        for i in range(rng.randint(20, 60))
    ]
    return f"serving-{n}.log", ("\n".join(lines) + "\n").encode()


def _config(rng: random.Random, n: int) -> tuple[str, bytes]:
    lines = [
        "training:",
        f"  learning_rate: {rng.random() / 100:.5f}",
        f"  batch_size: {rng.choice((16, 32, 64))}",
        "tracking:",
        "  uri: http://mlflow.ml-0000.svc:5000",
    ]
    if rng.random() < FAKE_CREDENTIAL_RATE:
        lines.append(f"  password: bench-fake-{rng.randrange(16**8):08x}")
    return f"train-config-{n}.yaml", ("\n".join(lines) + "\n").encode()


def _doc(rng: random.Random, n: int) -> tuple[str, bytes]:
    return f"README-{n}.md", f"# Project {n}\n\nOwner: team-{rng.randrange(40)}\n".encode()


FILE_MIX: tuple[tuple[str, float, FileWriter], ...] = (
    ("notebooks", 0.10, _notebook),
    ("datasets", 0.15, _csv),
    ("datasets", 0.10, _jsonl),
    ("models", 0.05, _pickle),
    ("models", 0.05, _safetensors),
    ("src", 0.25, _code),
    ("logs", 0.10, _log),
    ("configs", 0.15, _config),
    ("docs", 0.05, _doc),
)
"""(folder, share of all files, writer); the shares add up to 1."""

FILES_PER_PROJECT = 100


def write_files(root: Path, rng: random.Random, total: int) -> int:
    """Write exactly ``total`` files in project folders, following ``FILE_MIX``."""
    counts = [int(total * share) for _, share, _ in FILE_MIX]
    counts[FILE_MIX.index(next(m for m in FILE_MIX if m[2] is _code))] += total - sum(counts)
    projects = max(1, total // FILES_PER_PROJECT)
    written = 0
    for (folder, _, writer), count in zip(FILE_MIX, counts, strict=True):
        for n in range(count):
            project = root / f"project-{(written + n) % projects:04d}" / folder
            project.mkdir(parents=True, exist_ok=True)
            name, content = writer(rng, written + n)
            (project / name).write_bytes(content)
        written += count
    return written
