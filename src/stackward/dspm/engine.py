"""One pass over a text finds the candidates of every detector.

Two back-ends share one pattern table: Hyperscan (all patterns compiled into one database,
scanned once, where the ``hyperscan`` wheel installs) and Python ``re`` (one compiled
pattern per detector) as the fallback. Both report the same candidates: for each detector,
the longest match at each start, with matches inside an earlier match of the same detector
dropped. Offsets are character offsets into the ``str`` that was scanned.

Patterns should end at a boundary (``\\b`` or a delimiter) so that a match ends in one
place: Hyperscan reports every end of a repeat, and each report costs a Python call.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from stackward.dspm.detector import Detector


class Candidate(NamedTuple):
    """A tuple rather than a dataclass: one is made per match, and tuples are cheapest."""

    detector: int
    """Index into the engine's detector list."""
    start: int
    end: int


class CandidateEngine(Protocol):
    name: str
    detectors: tuple[Detector, ...]

    def candidates(self, text: str) -> list[Candidate]:
        """Every candidate in ``text``, sorted by start, then detector."""
        ...


class EngineError(RuntimeError):
    """A pattern does not compile in the requested back-end."""


def _normalise(found: list[tuple[int, int, int]], detectors: int) -> list[Candidate]:
    """Longest match per (detector, start); matches inside a kept one of the same detector go.

    ``found`` holds ``(start, detector, -end)``: a plain sort, with no key function, then
    puts each detector's matches in the order the filter needs (longest first at a start)
    and the result in the order callers expect."""
    found.sort()
    reach = [-1] * detectors
    kept: list[Candidate] = []
    keep = kept.append
    new = tuple.__new__  # what ``Candidate._make`` does, without its Python frame
    for start, detector, negative_end in found:
        if start < reach[detector]:
            continue
        reach[detector] = -negative_end
        keep(new(Candidate, (detector, start, -negative_end)))
    return kept


class ReEngine:
    """Python ``re``: one compiled pattern per detector, each run over the text."""

    name = "re"

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)
        self._patterns: list[re.Pattern[str]] = []
        for detector in self.detectors:
            flags = re.IGNORECASE if detector.ignore_case else 0
            try:
                self._patterns.append(re.compile(detector.pattern, flags))
            except re.error as exc:
                raise EngineError(f"detector {detector.id}: {exc}") from None

    def candidates(self, text: str) -> list[Candidate]:
        found = [
            (match.start(), index, -match.end())
            for index, pattern in enumerate(self._patterns)
            for match in pattern.finditer(text)
            if match.end() > match.start()
        ]
        return _normalise(found, len(self._patterns))


class HyperscanEngine:
    """All patterns in one Hyperscan database, one scan per text (UTF-8 bytes)."""

    name = "hyperscan"

    def __init__(self, detectors: Sequence[Detector]) -> None:
        import hyperscan

        self.detectors = tuple(detectors)
        self._hs: Any = hyperscan
        flags = [
            hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if d.ignore_case else 0)
            for d in self.detectors
        ]
        expressions = [d.pattern.encode("utf-8") for d in self.detectors]
        self._database: Any = _cached_database(hyperscan, expressions, flags)

    @property
    def database(self) -> Any:
        """The compiled Hyperscan database (benchmarks time a scan on its own)."""
        return self._database

    def candidates(self, text: str) -> list[Candidate]:
        data = text.encode("utf-8", "surrogatepass")
        found: list[tuple[int, int, int]] = []
        keep = found.append

        def on_match(pattern: int, start: int, end: int, _flags: int, _ctx: object) -> None:
            keep((start, pattern, -end))

        self._database.scan(data, match_event_handler=on_match)
        if len(data) != len(text) and found:
            found = _to_characters(data, found)
        return _normalise(found, len(self.detectors))


def cache_dir() -> Path:
    """Where compiled pattern databases are kept (``$XDG_CACHE_HOME/stackward``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stackward"


def _private_file(path: Path) -> bool:
    """Only a file the current user owns, that nobody else may write, is loaded."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _cached_database(hs: Any, expressions: list[bytes], flags: list[int]) -> Any:
    """Compile the patterns, or load the database compiled for the same patterns before.

    Compiling the full detector table takes seconds; every worker process and every run
    would pay it. The cache key covers the Hyperscan version, the patterns and the flags."""
    material = repr((getattr(hs, "__version__", "?"), expressions, flags)).encode()
    path = cache_dir() / f"hyperscan-{hashlib.sha256(material).hexdigest()[:32]}.db"
    try:
        if _private_file(path):
            database = hs.loadb(path.read_bytes(), hs.HS_MODE_BLOCK)
            database.scratch = hs.Scratch(database)
            return database
    except (OSError, hs.error):
        pass
    database = hs.Database()
    try:
        database.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=flags,
        )
    except hs.error as exc:  # names the first pattern Hyperscan refused
        raise EngineError(f"hyperscan: {exc}") from None
    _store(path, hs.dumpb(database))
    return database


def _store(path: Path, blob: bytes) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(blob)
        Path(handle.name).replace(path)
    except OSError:
        pass  # no cache: the next run compiles again


def _to_characters(data: bytes, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Byte offsets → character offsets of ``(start, detector, -end)`` matches, in one pass
    over the sorted distinct offsets."""
    offsets = sorted({o for start, _, negative_end in found for o in (start, -negative_end)})
    chars: dict[int, int] = {}
    previous_byte = previous_char = 0
    for offset in offsets:
        previous_char += len(data[previous_byte:offset].decode("utf-8", "ignore"))
        previous_byte = offset
        chars[offset] = previous_char
    return [(chars[s], d, -chars[-e]) for s, d, e in found]


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def build_engine(detectors: Sequence[Detector], backend: str = "auto") -> CandidateEngine:
    """``auto``: Hyperscan when it is installed, else ``re``; ``hyperscan`` / ``re`` force one."""
    if backend not in {"auto", "hyperscan", "re"}:
        raise EngineError(f"unknown engine back-end {backend!r}")
    if backend == "re" or (backend == "auto" and not hyperscan_available()):
        return ReEngine(detectors)
    return HyperscanEngine(detectors)


@cache
def default_engine(backend: str = "auto") -> CandidateEngine:
    """The engine over every built-in detector, compiled once per process."""
    from stackward.dspm.detectors import all_detectors

    return build_engine(all_detectors(), backend)
