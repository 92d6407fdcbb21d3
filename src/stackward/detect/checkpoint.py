"""The checkpoint: where every source stands and what every stateful stage remembers.

One JSON file, replaced atomically (temporary file, fsync, rename, fsync of the directory) so
a crash at any instant leaves either the previous checkpoint or the new one, never half of
one. It holds, taken at one instant between two records:

- ``offsets``: per record source (``Position.source``) the offset that resumes reading after
  the last record processed;
- ``detectors``: each detector's ``snapshot()`` by name, and ``grouper`` the alert grouper's;
- ``watermark``: the latest event time seen (windows are flushed from it);
- ``journal``: the alert journal's generation and size when the checkpoint was taken.

Every alert the detectors produced from records up to the offsets was journalled before the
checkpoint was written, so a restart from it loses none. The file carries a ``version``; a
checkpoint of another version or a corrupt one is a :class:`CheckpointError` naming the file,
and the pipeline can be told to start over instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from stackward.detect.journal import write_atomically

CHECKPOINT_NAME = "checkpoint.json"
VERSION = 1


class CheckpointError(RuntimeError):
    """The checkpoint file cannot be used; the message names it and says how to start over."""


@dataclass(slots=True)
class Checkpoint:
    """What a restart resumes from; empty for a first run."""

    offsets: dict[str, int] = field(default_factory=dict)
    detectors: dict[str, Any] = field(default_factory=dict)
    grouper: Any = None
    watermark: dt.datetime | None = None
    journal: dict[str, int] = field(default_factory=dict)
    sequence: int = 0
    """How many checkpoints were written before this one (for people and tests)."""


class CheckpointStore:
    """Reads and writes ``checkpoint.json`` in the state directory."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / CHECKPOINT_NAME
        state_dir.mkdir(parents=True, exist_ok=True)

    def load(self, start_over: bool = False) -> Checkpoint:
        """The last checkpoint, or an empty one when there is none (or ``start_over``)."""
        if start_over:
            self.path.unlink(missing_ok=True)
            return Checkpoint()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Checkpoint()
        except OSError as exc:
            raise CheckpointError(f"{self.path}: cannot read the checkpoint: {exc}") from None
        try:
            return _decode(orjson.loads(raw))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(
                f"{self.path}: corrupt checkpoint ({exc}); remove it or run with --start-over "
                "to read the sources from the beginning"
            ) from None

    def save(self, checkpoint: Checkpoint) -> None:
        body = {
            "version": VERSION,
            "sequence": checkpoint.sequence,
            "offsets": checkpoint.offsets,
            "detectors": checkpoint.detectors,
            "grouper": checkpoint.grouper,
            "watermark": checkpoint.watermark.isoformat() if checkpoint.watermark else None,
            "journal": checkpoint.journal,
        }
        try:
            data = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
        except TypeError as exc:
            raise CheckpointError(
                f"{self.path}: a stage's snapshot is not JSON-serialisable ({exc})"
            ) from None
        write_atomically(self.path, data)


def _decode(body: Any) -> Checkpoint:
    if not isinstance(body, Mapping):
        raise ValueError("not a JSON object")
    version = body["version"]
    if version != VERSION:
        raise ValueError(f"version {version!r}, this stackward reads version {VERSION}")
    offsets = body["offsets"]
    detectors = body["detectors"]
    if not isinstance(offsets, Mapping) or not isinstance(detectors, Mapping):
        raise ValueError("offsets and detectors must be objects")
    watermark = body.get("watermark")
    return Checkpoint(
        offsets={str(key): int(value) for key, value in offsets.items()},
        detectors=dict(detectors),
        grouper=body.get("grouper"),
        watermark=dt.datetime.fromisoformat(watermark) if watermark else None,
        journal={str(key): int(value) for key, value in dict(body.get("journal", {})).items()},
        sequence=int(body.get("sequence", 0)),
    )
