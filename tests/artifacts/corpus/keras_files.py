"""Save Keras 3 models reproducibly, and rewrite their configs for malicious variants.

``model.save`` writes the save date and Python object ids (``shared_object_id``) into the
file; both are normalised so the corpus is byte-for-byte reproducible.
"""

from __future__ import annotations

import io
import json
import logging
import os
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

Json = Any
ConfigEdit = Callable[[Json], Json]


def _renumber_shared_ids(config: Json, ids: dict[int, int]) -> Json:
    if isinstance(config, dict):
        out = {}
        for key, value in config.items():
            if key == "shared_object_id" and isinstance(value, int):
                out[key] = ids.setdefault(value, len(ids) + 1)
            else:
                out[key] = _renumber_shared_ids(value, ids)
        return out
    if isinstance(config, list):
        return [_renumber_shared_ids(item, ids) for item in config]
    return config


def rewrite_keras_zip(path: Path, edit: ConfigEdit | None = None) -> None:
    """Normalise a ``.keras`` archive in place and optionally edit its ``config.json``."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in members:
            if info.filename == "config.json":
                config = _renumber_shared_ids(json.loads(data), {})
                data = json.dumps(edit(config) if edit else config).encode()
            elif info.filename == "metadata.json":
                metadata = json.loads(data)
                metadata["date_saved"] = "2025-01-01@00:00:00"
                data = json.dumps(metadata).encode()
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            archive.writestr(fixed, data)
    path.write_bytes(buffer.getvalue())


def rewrite_h5_config(path: Path, edit: ConfigEdit) -> None:
    """Edit the ``model_config`` attribute of a legacy ``.h5`` Keras file in place."""
    import h5py

    with h5py.File(path, "r+") as handle:
        config = json.loads(handle.attrs["model_config"])
        handle.attrs["model_config"] = json.dumps(edit(config))


def save(model: Any, path: Path) -> None:
    """``model.save`` to ``.keras`` or ``.h5``, then normalise what is not reproducible."""
    logging.getLogger("absl").setLevel(logging.ERROR)  # the legacy-.h5 notice
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(path)
    if path.suffix == ".keras":
        rewrite_keras_zip(path)


def seed() -> None:
    import keras

    keras.utils.set_random_seed(0)


def walk_layers(config: Json) -> list[Json]:
    """Every layer config dict in a (possibly nested) model config."""
    found: list[Json] = []
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "class_name" in item and "config" in item:
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
