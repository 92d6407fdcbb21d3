"""Hashed text features for the prompt-injection classifier, computed the same way when the
model is trained and when it scores a prompt.

Word 1-2-grams (each token hashed with ``zlib.crc32``, stable across processes and platforms,
n-grams combined from their tokens' hashes) and character 3-5-grams (a 64-bit multiplicative
hash over code points) share one hashed space. Both are computed with numpy, so a long prompt
costs array operations, not a Python loop per n-gram.
A third, optional group holds attack-structure cues (:mod:`~stackward.detect.content.cues`),
which describe how a text addresses the model rather than its topic.
Term frequencies are sublinear (``1 + log tf``) and each feature group is l2-normalised, then
the whole vector is l2-normalised. The settings travel with the weights (:class:`FeatureSettings`)
so a model file always says how its inputs were made.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from stackward.detect.content.cues import cue_hashes

HEAD_CHARS = 8192
TAIL_CHARS = 8192
"""Characters scored: the first and last 8 KiB of a longer text (an injection hides at either
end of a pasted document far more often than in the middle of a megabyte)."""

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    """How text becomes a vector; stored beside the weights in the model file."""

    dimensions: int = 1 << 18
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    char_weight: float = 1.0
    """Scale of the character block against the word block before the final l2 norm."""
    cue_weight: float = 0.0
    """Scale of the attack-structure cue block; 0 leaves it out (model files without it)."""

    def as_array(self) -> npt.NDArray[np.float64]:
        return np.array(
            [
                self.dimensions,
                *self.word_ngrams,
                *self.char_ngrams,
                self.char_weight,
                self.cue_weight,
            ],
            dtype=np.float64,
        )

    @classmethod
    def from_array(cls, values: npt.NDArray[np.float64]) -> FeatureSettings:
        if values.shape == (6,):
            values = np.append(values, 0.0)
        if values.shape != (7,):
            raise ValueError(f"feature settings have shape {values.shape}, expected (7,)")
        dims, wlo, whi, clo, chi, weight, cues = (float(v) for v in values)
        return cls(int(dims), (int(wlo), int(whi)), (int(clo), int(chi)), weight, cues)


def clip(text: str) -> str:
    """The part of ``text`` that is scored: all of it, or its head and tail."""
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]


def normalise(text: str) -> str:
    """NFKC, lower case, whitespace runs collapsed: case and spacing tricks stop mattering."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", clip(text)).lower()).strip()


def _mix(value: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A fixed 64-bit finaliser (splitmix64's), so nearby inputs land far apart."""
    value = (value ^ (value >> np.uint64(31))) * _MIX
    return value ^ (value >> np.uint64(29))


_Hashes = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
"""Feature indices and the character offset where each n-gram starts, ordered by offset."""


def _ngrams(
    codes: npt.NDArray[np.uint64], low: int, high: int, dims: int
) -> list[npt.NDArray[np.uint64]]:
    parts = []
    with np.errstate(over="ignore"):
        for n in range(low, high + 1):
            count = len(codes) - n + 1
            if count <= 0:
                continue
            value = np.full(count, np.uint64(n) << np.uint64(40), dtype=np.uint64)
            for offset in range(n):
                value = (value * _MULTIPLIER) ^ codes[offset : offset + count]
            parts.append(_mix(value) % np.uint64(dims))
    return parts


def _by_position(parts: list[npt.NDArray[np.uint64]], starts: npt.NDArray[np.int64]) -> _Hashes:
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    hashes = np.concatenate(parts).astype(np.int64)
    positions = np.concatenate([starts[: len(part)] for part in parts])
    order = np.argsort(positions, kind="stable")
    return hashes[order], positions[order]


def _word_hashes(text: str, settings: FeatureSettings) -> _Hashes:
    """Each token is hashed once with ``zlib.crc32``; an n-gram's hash combines its tokens'
    hashes with numpy, so the cost per word is one dictionary look-up."""
    found = list(_TOKEN.finditer(text))
    tokens = [m.group() for m in found]
    known = {token: zlib.crc32(token.encode("utf-8", "surrogatepass")) for token in tokens}
    codes = np.fromiter((known[t] for t in tokens), dtype=np.uint64, count=len(tokens))
    starts = np.fromiter((m.start() for m in found), dtype=np.int64, count=len(found))
    low, high = settings.word_ngrams
    return _by_position(_ngrams(codes, low, high, settings.dimensions), starts)


def _char_hashes(text: str, settings: FeatureSettings) -> _Hashes:
    padded = f" {text} "
    codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    low, high = settings.char_ngrams
    parts = _ngrams(codes.astype(np.uint64), low, high, settings.dimensions)
    return _by_position(parts, np.arange(len(codes), dtype=np.int64) - 1)


def _block(hashes: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Distinct indices and their sublinear, l2-normalised term frequencies."""
    if hashes.size == 0:
        return hashes, np.zeros(0, dtype=np.float64)
    ordered = np.sort(hashes)
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1] = ordered.size
    values = 1.0 + np.log(ends - starts)
    return ordered[starts], values / np.sqrt(np.dot(values, values))


Vector = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]


def _combine(blocks: tuple[npt.NDArray[np.int64], ...], weights: tuple[float, ...]) -> Vector:
    """Each block l2-normalised and scaled by its weight, then the whole vector to unit
    length (an empty block adds nothing)."""
    parts = [(*_block(hashes), weight) for hashes, weight in zip(blocks, weights, strict=True)]
    total = sum(weight**2 for _, values, weight in parts if values.size and weight)
    scale = 1.0 / math.sqrt(total or 1.0)
    index = np.concatenate([index for index, _, weight in parts if weight])
    values = np.concatenate([values * (weight * scale) for _, values, weight in parts if weight])
    return index, values


def _cue_hashes(text: str, settings: FeatureSettings) -> _Hashes:
    if not settings.cue_weight:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    indices, starts = cue_hashes(text, settings.dimensions)
    index = np.array(indices, dtype=np.int64)
    positions = np.array(starts, dtype=np.int64)
    order = np.argsort(positions, kind="stable")
    return index[order], positions[order]


def _window(hashes: _Hashes, start: int, end: int) -> npt.NDArray[np.int64]:
    values, positions = hashes
    low, high = np.searchsorted(positions, (start, end))
    return values[low:high]


def vectorise(text: str, settings: FeatureSettings) -> Vector:
    """The sparse feature vector of ``text`` as (indices, values).

    The word, character and cue blocks are each l2-normalised, the character block is
    scaled by ``char_weight`` and the cue block by ``cue_weight``, and all are divided by
    the square root of the sum of the squared weights of the non-empty blocks. An index
    may appear once in each block (a hash collision between a word and a character n-gram);
    consumers add such duplicates up, as a sparse matrix does."""
    return next(vectorise_windows(text, settings, window=0, step=0))


def vectorise_windows(
    text: str, settings: FeatureSettings, window: int, step: int
) -> Iterator[Vector]:
    """The vector of the whole (normalised, clipped) text, then, when it is longer than
    ``window`` characters, the vector of each window of that many characters every ``step``.
    The n-grams are hashed once; a window takes those that start inside it."""
    normal = normalise(text)
    words = _word_hashes(normal, settings)
    chars = _char_hashes(normal, settings)
    cues = _cue_hashes(normal, settings)
    weights = (1.0, settings.char_weight, settings.cue_weight)
    yield _combine((words[0], chars[0], cues[0]), weights)
    if window <= 0 or len(normal) <= window:
        return
    for start in range(0, len(normal) - step, step):
        end = start + window
        blocks = (
            _window(words, start, end),
            _window(chars, start, end - 2),
            _window(cues, start, end),
        )
        yield _combine(blocks, weights)
