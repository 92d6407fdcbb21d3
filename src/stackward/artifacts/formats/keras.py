"""Keras model configs: ``.keras`` ``config.json``, legacy ``.h5`` and ``keras_metadata.pb``.

Keras rebuilds a model from a JSON config. Two things in it run code at load time:
``Lambda`` layers carry marshalled Python bytecode, and any object whose ``module`` names a
non-Keras module makes the loader import that module and call the named attribute
(CVE-2025-1550: ``{"module": "builtins", "class_name": "function", "config": "exec"}``).
Both are found by walking the config as data; nothing is unmarshalled or imported.

The HDF5 file is not parsed as HDF5: the configs are JSON attribute values stored as plain
bytes, so they are located by their opening text and decoded with a bounded JSON decoder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from stackward.artifacts.context import ScanContext
from stackward.artifacts.formats.keras_config import ConfigWalker
from stackward.artifacts.formats.protowire import Message, ProtobufError
from stackward.artifacts.issues import IssueKind
from stackward.artifacts.source import ByteSource
from stackward.model import Severity

KERAS_OBJECT_START = re.compile(rb'\{"(?:class_name|module)"')
"""How ``json.dumps`` begins a serialized Keras object (Keras 2 and Keras 3)."""
BLOB_START = re.compile(rb'(?<=[\x00-\x1f])\{"')
HDF5_CONFIG_ATTRIBUTES = (b"model_config", b"training_config")
SCAN_CHUNK = 8 * 1024 * 1024
_OVERLAP = 16
FIRST_WINDOW = 16 * 1024
MAX_JSON = 64 * 1024 * 1024
MAX_CANDIDATES = 10_000
METADATA_NODES = 1
METADATA_JSON = 5
"""``keras/protobuf/saved_metadata.proto``: SavedMetadata{1 nodes}, SavedObject{5 metadata}."""


def _read_all(source: ByteSource, what: str, ctx: ScanContext) -> bytes | None:
    if source.size > ctx.limits.max_in_memory:
        ctx.unscannable(
            f"{what} of {source.size} bytes is larger than the in-memory limit"
            f" ({ctx.limits.max_in_memory}); not inspected",
            symbol=what,
            severity=Severity.MEDIUM,
        )
        return None
    return source.read_at(0, source.size)


def _malformed(what: str, exc: Exception, ctx: ScanContext, offset: int | None = None) -> None:
    ctx.issue(
        IssueKind.MALFORMED,
        Severity.LOW,
        f"{what} is not valid: {exc}",
        symbol=what,
        offset=offset,
    )


def _decode_json(text: bytes | str, what: str, ctx: ScanContext) -> object | None:
    try:
        value: object = json.loads(text)
    except RecursionError:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.MEDIUM,
            f"{what} is nested too deeply to analyse",
            symbol=what,
        )
    except ValueError as exc:
        _malformed(what, exc, ctx)
    else:
        return value
    return None


def _finish(walker: ConfigWalker, ctx: ScanContext) -> None:
    classes = ctx.report.properties.get("keras_classes")
    known = set(classes) if isinstance(classes, list) else set()
    ctx.report.properties["keras_classes"] = sorted(known | walker.classes)[:512]


def scan_keras_config(source: ByteSource, ctx: ScanContext) -> None:
    """Walk a Keras JSON config for Lambda layers, foreign modules and custom objects."""
    data = _read_all(source, "Keras config", ctx)
    if data is None:
        return
    config = _decode_json(data, "Keras config", ctx)
    if config is None:
        return
    walker = ConfigWalker(ctx)
    walker.walk(config)
    _finish(walker, ctx)


@dataclass(slots=True)
class _JsonSearch:
    """Decodes JSON values at candidate offsets within a total byte budget, so a file
    stuffed with fake openings cannot make the search quadratic."""

    source: ByteSource
    remaining: int

    def decode_at(self, offset: int) -> tuple[object, int] | None:
        """The JSON value starting at ``offset`` and its length in bytes.

        The window grows only while the decoder fails at the window's end (the value is
        longer than what was read); garbage after an opening brace fails in one window.
        """
        decoder = json.JSONDecoder()
        window = FIRST_WINDOW
        while self.remaining > 0:
            raw = self.source.read_at(offset, min(window, self.remaining))
            self.remaining -= len(raw)
            text = raw.decode("utf-8", errors="replace")
            try:
                value, end = decoder.raw_decode(text)
            except RecursionError:
                return None
            except json.JSONDecodeError as exc:
                cut_short = exc.pos >= len(text) - 64 or exc.msg.startswith("Unterminated string")
                if not cut_short or len(raw) < window or window >= MAX_JSON:
                    return None
                window *= 4
                continue
            return value, len(text[:end].encode("utf-8", errors="replace"))
        return None


def _candidates(source: ByteSource, ctx: ScanContext) -> tuple[list[int], bool]:
    """Offsets where a serialized Keras object may start, and whether a config attribute
    name appears in the file at all.

    Keras writes ``class_name`` or ``module`` first, but a hand-made config need not, so
    any ``{"`` right after a control byte counts too: JSON text cannot contain a raw control
    byte, so such a brace starts a stored string rather than sitting inside one.
    """
    found: dict[re.Pattern[bytes], set[int]] = {KERAS_OBJECT_START: set(), BLOB_START: set()}
    named = False
    position = 0
    while position < source.size:
        ctx.check_time()
        block = source.read_at(position, SCAN_CHUNK + _OVERLAP)
        if not block:
            break
        named = named or any(name in block for name in HDF5_CONFIG_ATTRIBUTES)
        for pattern, offsets in found.items():
            for match in pattern.finditer(block):
                if match.start() < SCAN_CHUNK and len(offsets) < MAX_CANDIDATES:
                    offsets.add(position + match.start())
        position += SCAN_CHUNK
    if any(len(offsets) >= MAX_CANDIDATES for offsets in found.values()):
        ctx.unscannable(
            f"more than {MAX_CANDIDATES} JSON-like openings in the file; later ones were not"
            " decoded",
            symbol="config search",
            severity=Severity.MEDIUM,
        )
    return sorted(set().union(*found.values())), named


def scan_hdf5(source: ByteSource, ctx: ScanContext) -> None:
    """Find and walk the JSON model/training configs stored as attributes of a Keras ``.h5``."""
    offsets, named = _candidates(source, ctx)
    search = _JsonSearch(source, max(MAX_JSON, 4 * source.size))
    walker = ConfigWalker(ctx)
    decoded = 0
    covered_until = -1
    for offset in offsets:
        if offset < covered_until:
            continue
        ctx.check_time()
        found = search.decode_at(offset)
        if found is None:
            continue
        value, length = found
        covered_until = offset + length
        decoded += 1
        walker.walk(value)
    if search.remaining <= 0:
        ctx.unscannable(
            "too many JSON-like fragments in the HDF5 file; the search for Keras configs"
            " stopped early",
            symbol="config search",
            severity=Severity.MEDIUM,
        )
    if named and not decoded:
        ctx.unscannable(
            "the HDF5 file has a Keras model_config attribute but no JSON config could be"
            " decoded from it; Lambda layers and module references were not checked",
            symbol="model_config",
            severity=Severity.MEDIUM,
        )
    if decoded:
        _finish(walker, ctx)
    ctx.report.properties["keras_configs"] = decoded


def scan_keras_metadata(source: ByteSource, ctx: ScanContext) -> None:
    """Walk the per-layer JSON metadata of a Keras SavedModel (``keras_metadata.pb``)."""
    walker = ConfigWalker(ctx)
    try:
        for node in Message.of(source).messages(METADATA_NODES):
            ctx.check_time()
            item = node.first(METADATA_JSON)
            if item is None or not item.is_bytes:
                continue
            if item.value > ctx.limits.max_in_memory:
                ctx.unscannable("layer metadata too large to inspect", symbol="keras metadata")
                continue
            config = _decode_json(item.data(item.value), "Keras layer metadata", ctx)
            if config is not None:
                walker.walk(config)
    except ProtobufError as exc:
        ctx.issue(
            IssueKind.MALFORMED,
            Severity.MEDIUM,
            f"keras_metadata.pb is malformed ({exc}); falling back to a raw search for configs",
            symbol="protobuf",
            offset=exc.offset,
        )
        scan_hdf5(source, ctx)
        return
    _finish(walker, ctx)
